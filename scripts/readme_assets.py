"""Regenerate the README figures (assets/report-*.png) from the built-in scenarios' report figures.

Run from the repository root: ``python scripts/readme_assets.py`` (about two minutes on two cores).
"""

from __future__ import annotations

from pathlib import Path

from brainrit.pipeline import run_scenario
from brainrit.report.figures import stage_figures
from brainrit.scenario import builtin_scenario

ASSETS = Path(__file__).resolve().parents[1] / "assets"
WANTED = {
    ("mouse-vcam1-pb212", "microdosimetry", "vessel_profile"): "report-vessel_profile.png",
    ("mouse-vcam1-pb212", "window", "window_curve"): "report-window.png",
    ("human-early-bm", "comparison", "comparison"): "report-comparison.png",
}


def main() -> None:
    for name in sorted({k[0] for k in WANTED}):
        result = run_scenario(builtin_scenario(name))
        for (scenario, stage, key), file in WANTED.items():
            if scenario != name:
                continue
            figures = {f.key: f for f in stage_figures(result.stages[stage], result.scenario)}
            (ASSETS / file).write_bytes(figures[key].png)
            print(f"wrote assets/{file}")


if __name__ == "__main__":
    main()
