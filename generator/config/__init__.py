"""The YAML model of an organisation: project, roles and people, courses, budgets and goals,
and optionally workforce requirements and KPIs (``workforce``: models and checks of that file).

Each file is parsed with line numbers (``yamlfile``), validated by pydantic models (``models``:
one docstring per field, the reference in README.md, printed by ``reference``), then
cross-checked (``checks``). Every problem found in every file is collected and raised together
as ``ProblemsFound``, each located at ``file:line`` (``explain`` words pydantic's errors);
``load`` reads a project directory into a ``Project`` (``project``).
"""

from generator.config.checks import BUILTIN_ROLES
from generator.config.load import config_dir, load_project
from generator.config.models import (
    CONFIG_FILES,
    BudgetPeriod,
    BudgetsFile,
    Course,
    CoursesFile,
    Goal,
    GoalsFile,
    Module,
    Person,
    ProjectFile,
    Raci,
    Role,
    RolesFile,
    Scope,
    Source,
    SparkSettings,
    SpendLine,
    Target,
    Thresholds,
)
from generator.config.project import Project, expand_env
from generator.config.workforce import (
    EVALUATIONS,
    OPTIONAL_FILES,
    PHILLIPS_4_CAVEAT,
    Evaluation,
    Kpi,
    Requirement,
    WorkforceFile,
)

__all__ = [
    "BUILTIN_ROLES",
    "CONFIG_FILES",
    "EVALUATIONS",
    "OPTIONAL_FILES",
    "PHILLIPS_4_CAVEAT",
    "BudgetPeriod",
    "BudgetsFile",
    "Course",
    "CoursesFile",
    "Evaluation",
    "Goal",
    "GoalsFile",
    "Kpi",
    "Module",
    "Person",
    "Project",
    "ProjectFile",
    "Raci",
    "Requirement",
    "Role",
    "RolesFile",
    "Scope",
    "Source",
    "SparkSettings",
    "SpendLine",
    "Target",
    "Thresholds",
    "WorkforceFile",
    "config_dir",
    "expand_env",
    "load_project",
]
