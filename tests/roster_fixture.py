"""The HR roster and workforce.yaml the tiny project is given in ``tiny_roster_project``."""

# Tiny's learners as employees (report date 2025-06-30, fiscal year = calendar year). L3 leaves
# Ops on 2025-04-30; L9 is an employee who never enrolled; L4 moves from Ops to Sales.
ROSTER = """\
employee_id,effective_on,department,job_role,manager,hired_on,left_on,leaving
L1,,Sales,Agent,sam,2020-01-01,,
L2,,Sales,Agent,sam,2021-06-01,,
L3,,Ops,Operator,olga,2024-11-01,2025-04-30,voluntary
L4,,Ops,Operator,olga,2024-12-01,,
L4,2025-05-01,Sales,Agent,sam,2024-12-01,,
L5,,Ops,Operator,olga,2025-02-01,,
L6,,Ops,Operator,olga,2025-01-15,,
L9,,Ops,Operator,olga,2023-01-01,,
"""
WORKFORCE = """\
requirements:
  - id: safety
    title: Safety basics for operators
    job_roles: [Operator]
    courses: [C1]
    valid_for: 12
    due_within: 30
"""
