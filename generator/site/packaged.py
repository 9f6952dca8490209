"""What ships inside the package: the offline chart assets (the Vega runtime, the draw
script, the stylesheet) copied into site_src/, and the mkdocs.yml template.

The files themselves are in ``generator/site/assets/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from generator.site.files import Content, WriteResult, write_generated

ASSET_DIR = "assets/accountability"
BUNDLE_NAME = "vega-bundle.js"
ASSET_NAMES = (
    BUNDLE_NAME,
    "accountability-charts.js",
    "accountability.css",
    "iframe-worker-shim.js",
)
MKDOCS_TEMPLATE = "mkdocs.yml"
# The snippet run inside vl-convert's bundle: expose just what the draw script uses.
BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;\n"


def _asset(name: str) -> bytes:
    return resources.files("generator.site").joinpath("assets", name).read_bytes()


def asset_files() -> dict[str, bytes]:
    """The Vega runtime, the draw script and the stylesheet, by path inside site_src."""
    return {f"{ASSET_DIR}/{name}": _asset(name) for name in ASSET_NAMES}


def overrides_dir() -> Path:
    """The packaged theme override (assets/overrides/main.html) that snapshots build with."""
    return Path(str(resources.files("generator.site").joinpath("assets", "overrides")))


def vega_bundle_source() -> str:
    """Vega, Vega-Lite and vega-embed as one self-contained script, from vl-convert.

    The committed ``generator/site/assets/vega-bundle.js`` is this text; a test keeps the two in
    step, so upgrading vl-convert or Altair shows up as a bundle diff. Regenerate with
    ``python -c "from generator.site import refresh_vega_bundle; refresh_vega_bundle()"``.
    """
    import vl_convert

    from generator.charts.specs import vega_lite_version

    versions = (
        f"vega {vl_convert.get_vega_version()}, vega-lite {vega_lite_version()}, "
        f"vega-embed {vl_convert.get_vega_embed_version()}"
    )
    header = (
        f"/* {versions}: bundled by vl-convert-python for the accountability report, served "
        "locally. Vega, Vega-Lite and vega-embed are BSD-3-Clause licensed (UW Interactive "
        "Data Lab). Generated: do not edit. */\n"
    )
    body: str = vl_convert.javascript_bundle(BUNDLE_SNIPPET, vl_version=vega_lite_version())
    # A function scope keeps the bundle's many top-level names off ``window``.
    return header + "(function () {\n" + body.rstrip("\n") + "\n})();\n"


def refresh_vega_bundle() -> Path:
    """Rewrite the packaged bundle from the installed vl-convert (a maintainer's task)."""
    target = Path(__file__).parent / "assets" / BUNDLE_NAME
    target.write_text(vega_bundle_source(), "utf-8")
    return target


def copy_assets(site_src: Path) -> WriteResult:
    """Put the offline chart assets into ``site_src/assets/accountability/`` (generated)."""
    return write_generated(site_src, asset_files(), scope=ASSET_DIR + "/")


def write_site_src(site_src: Path, pages: Mapping[str, Content]) -> WriteResult:
    """Pages, charts and downloads plus the offline assets, in one atomic write."""
    return write_generated(site_src, {**pages, **asset_files()})
