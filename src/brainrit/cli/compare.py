"""``brainrit compare-nuclides``: perivascular nucleus dose of the 12 VCAM-1 radionuclides.

For each radionuclide of Falzone et al. (Theranostics 2018;8:292), the mean nucleus dose of tumour
cells 0–25, 25–50 and 50–100 µm from a labelled capillary and of healthy brain cells 100–200 µm away,
per unit time-integrated activity (Gy per Bq·s per µm of vessel), by radiation group.
"""

from __future__ import annotations

import typer

from brainrit.cli import app


@app.command("compare-nuclides")
def compare_nuclides_cmd(
    nuclides: list[str] = typer.Argument(None, help="Nuclides (default: the 12 of the VCAM-1 comparison)."),
    source: str = typer.Option("surface", "--source", help="surface (bound on endothelium), lumen or wall."),
    lumen_radius_um: float = typer.Option(3.0, "--lumen-radius-um", help="Capillary lumen radius (µm)."),
    wall_thickness_um: float = typer.Option(0.4, "--wall-thickness-um", help="Endothelial thickness (µm)."),
    nucleus_radius_um: float = typer.Option(4.0, "--nucleus-radius-um", help="Target nucleus radius (µm)."),
    material: str = typer.Option("water", "--material", help="water, soft_tissue or brain."),
    no_chain: bool = typer.Option(False, "--no-chain", help="Parent only (no daughters)."),
    per_injected_MBq: float = typer.Option(
        None,
        "--per-injected-MBq",
        help="Also give the dose for this injected activity (MBq), from the kinetics' bound decays.",
    ),
    species: str = typer.Option(
        "mouse", "--species", help="Kinetics for --per-injected-MBq: mouse or human."
    ),
    intercapillary_distance_um: float = typer.Option(
        40.0, "--intercapillary-distance-um", help="Capillary spacing giving vessel length per gram (µm)."
    ),
    csv_path: str = typer.Option(None, "--csv", help="Write the table as CSV to this path."),
    plot_path: str = typer.Option(None, "--plot", help="Write a bar chart (PNG/SVG/PDF) to this path."),
    as_json: bool = typer.Option(False, "--json", help="Print the table (and per-injected doses) as JSON."),
) -> None:
    """Nucleus dose vs distance from a labelled capillary for the VCAM-1 radionuclides.

    Doses are Gy per decay per µm of vessel (Gy per Bq·s of time-integrated activity per µm of
    capillary); the last column is per decay per µm² of luminal endothelium. Photons are computed and
    shown: they are negligible at this scale.
    """
    from brainrit.dosimetry.perivascular import per_injected_activity
    from brainrit.dosimetry.vascular import compare_nuclides

    _check_outputs(csv_path, plot_path)
    rows = compare_nuclides(
        nuclides or None,
        source=source,
        lumen_radius_um=lumen_radius_um,
        wall_thickness_um=wall_thickness_um,
        nucleus_radius_um=nucleus_radius_um,
        material=material,
        chain=not no_chain,
    )
    if not as_json:
        _print(rows)
    injected = None
    if per_injected_MBq is not None:
        injected = per_injected_activity(
            [r.nuclide for r in rows if r.band == rows[0].band],
            per_injected_MBq,
            species=species,
            intercapillary_distance_um=intercapillary_distance_um,
            source=source,
            lumen_radius_um=lumen_radius_um,
            wall_thickness_um=wall_thickness_um,
            nucleus_radius_um=nucleus_radius_um,
            material=material,
        )
        if not as_json:
            _print_injected(injected, per_injected_MBq, species)
    if csv_path:
        _write_csv(rows, csv_path, injected)
    if plot_path:
        _plot(rows, plot_path)
    if as_json:
        _print_json(rows, injected, per_injected_MBq, species)
        return
    if csv_path:
        typer.echo(f"wrote {csv_path}")
    if plot_path:
        typer.echo(f"wrote {plot_path}")


def _print_json(rows, injected, activity_MBq, species) -> None:
    import json

    data: dict = {
        "unit": "Gy per decay per um of labelled capillary (last column: per um2 of luminal endothelium)",
        "rows": [{c: getattr(r, c) for c in _COLUMNS} for r in rows],
    }
    if injected is not None:
        data["per_injected"] = {
            "activity_MBq": activity_MBq,
            "species": species,
            "unit": "Gy (mean nucleus dose, bound activity)",
            "rows": [{"nuclide": n, "band": b, **d} for (n, b), d in injected.items()],
        }
    typer.echo(json.dumps(data, indent=1, ensure_ascii=False))


_COLUMNS = (
    "nuclide",
    "band",
    "r_min_um",
    "r_max_um",
    "alpha_Gy",
    "electron_Gy",
    "photon_Gy",
    "total_Gy",
    "total_per_decay_per_um2_endothelium_Gy",
)


def _print_injected(injected, activity_MBq: float, species: str) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(
        title=f"Mean nucleus dose (Gy) for {activity_MBq:g} MBq injected ({species} kinetics, bound activity)"
    )
    for c in ("nuclide", "band", "α", "electrons", "total"):
        t.add_column(c, justify="left" if c in ("nuclide", "band") else "right")
    for (nuclide, band), d in injected.items():
        t.add_row(nuclide, band, f"{d['alpha_Gy']:.3e}", f"{d['electron_Gy']:.3e}", f"{d['total_Gy']:.3e}")
    Console().print(t)


def _print(rows) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="Mean nucleus dose per decay per µm of labelled capillary (Gy)")
    for c in ("nuclide", "band", "α", "electrons", "photons", "total", "per µm² endothelium"):
        t.add_column(c, justify="left" if c in ("nuclide", "band") else "right")
    for r in rows:
        t.add_row(
            r.nuclide, r.band, f"{r.alpha_Gy:.3e}", f"{r.electron_Gy:.3e}", f"{r.photon_Gy:.3e}",
            f"{r.total_Gy:.3e}", f"{r.total_per_decay_per_um2_endothelium_Gy:.3e}",
        )  # fmt: skip
    Console().print(t)


def _write_csv(rows, path: str, injected=None) -> None:
    import csv
    import io

    from brainrit.fileio import atomic_write_text, csv_safe_row

    buf = io.StringIO()
    buf.write("# brainrit compare-nuclides: mean nucleus dose, Gy per decay per um of labelled capillary\n")
    w = csv.writer(buf)
    extra = ("injected_alpha_Gy", "injected_total_Gy") if injected else ()
    w.writerow(_COLUMNS + extra)
    for r in rows:
        values = [
            getattr(r, c) if isinstance(getattr(r, c), str) else f"{getattr(r, c):.6e}" for c in _COLUMNS
        ]
        if injected:
            d = injected.get((r.nuclide, r.band), {"alpha_Gy": 0.0, "total_Gy": 0.0})
            values += [f"{d['alpha_Gy']:.6e}", f"{d['total_Gy']:.6e}"]
        w.writerow(csv_safe_row(values))
    atomic_write_text(path, buf.getvalue(), what="--csv")


def _band_label(band: str) -> str:
    """``"tumour 0-25 um"`` → ``"tumour cells 0–25 µm"`` (legend text)."""
    who, _, rng = band.partition(" ")
    return f"{who} cells {rng.replace('-', '–').replace(' um', ' µm')}"


def _plot(rows, path: str) -> None:
    import matplotlib.pyplot as plt

    from brainrit.fileio import atomic_write

    fmt = _plot_format(path)
    fig = plot_figure(rows)
    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=120), what="--plot")
    finally:
        plt.close(fig)


def _plot_format(path: str) -> str:
    """The matplotlib format of ``path`` from its suffix (png when none); OutputError if unsupported."""
    from pathlib import Path

    from matplotlib.backend_bases import FigureCanvasBase

    from brainrit.errors import OutputError

    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    supported = FigureCanvasBase.get_supported_filetypes()
    if fmt not in supported:
        allowed = ", ".join(f".{k}" for k in sorted(supported))
        raise OutputError(f"--plot: unknown image format {fmt!r} of {path!r}; use one of {allowed}")
    return fmt


def _check_outputs(csv_path: str | None, plot_path: str | None) -> None:
    """Fail before the computation if an output file cannot be written."""
    from pathlib import Path

    from brainrit.errors import OutputError

    for what, path in (("--csv", csv_path), ("--plot", plot_path)):
        if not path:
            continue
        p = Path(path)
        folder = p.parent if str(p.parent) else Path(".")
        if not folder.is_dir():
            raise OutputError(f"{what}: folder {str(folder)!r} does not exist")
        if len(p.name.encode()) > 255:
            raise OutputError(f"{what}: file name is {len(p.name.encode())} bytes; at most 255 are allowed")
        if p.is_dir():
            raise OutputError(f"{what}: {path!r} is a folder, not a file")
    if plot_path:
        _plot_format(plot_path)


def plot_figure(rows):
    """Grouped bars (log scale) of the total nucleus dose per band; legend above the axes, never on bars.

    Zero doses (no α and no electrons reaching a band) are not drawn as bars down to an arbitrary floor:
    they are marked "0" on the axis baseline.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    import numpy as np

    names = list(dict.fromkeys(r.nuclide for r in rows))
    bands = list(dict.fromkeys(r.band for r in rows))
    val = {(r.nuclide, r.band): r.total_Gy for r in rows}
    positive = [v for v in val.values() if v > 0]
    floor = min(positive) / 3 if positive else 1e-30
    fig, ax = plt.subplots(figsize=(max(7.0, 0.9 * len(names) + 2.5), 5.0), layout="constrained")
    width = 0.8 / len(bands)
    x = np.arange(len(names))
    for k, b in enumerate(bands):
        xs = x + (k - (len(bands) - 1) / 2) * width
        y = np.array([val[(n, b)] for n in names])
        ax.bar(xs[y > 0], y[y > 0], width, label=_band_label(b))
        for xz in xs[y <= 0]:
            ax.text(xz, floor * 1.2, "0", ha="center", va="bottom", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylim(bottom=floor)
    ax.set_xticks(x, names, rotation=45, ha="right")
    ax.tick_params(labelsize=10)
    ax.set_ylabel("mean nucleus dose per decay\nper µm of labelled vessel (Gy)", fontsize=11)
    ax.set_xlabel("radionuclide (with its decay chain)", fontsize=11)
    ax.grid(axis="y", which="major", alpha=0.3)
    ax.legend(
        fontsize=9, ncol=min(len(bands), 4), loc="lower center", bbox_to_anchor=(0.5, 1.01), frameon=False
    )
    fig.suptitle("Nucleus dose versus distance from a VCAM-1-labelled capillary", fontsize=12)
    return fig
