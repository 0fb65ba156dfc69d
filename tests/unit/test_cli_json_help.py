"""CLI conventions: --json on commands that print results, shell completion, no value placeholder on flags."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from brainrit.cli import command, main


def test_compare_nuclides_json(capsys):
    assert main(["compare-nuclides", "At-211", "Lu-177", "--json", "--per-injected-MBq", "0.1"]) == 0
    data = json.loads(capsys.readouterr().out)
    nuclides = {r["nuclide"] for r in data["rows"]}
    assert nuclides == {"At-211", "Lu-177"} and "Gy" in data["unit"]
    near = next(r for r in data["rows"] if r["nuclide"] == "At-211" and r["band"] == "tumour 0-25 um")
    assert near["alpha_Gy"] > 0 and near["total_Gy"] >= near["alpha_Gy"]
    assert data["per_injected"]["activity_MBq"] == 0.1 and data["per_injected"]["rows"]


def test_nuclide_json(capsys):
    assert main(["nuclide", "Pb-212", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)


def _all_commands():
    out = []

    def walk(c, prefix):
        subs = getattr(c, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*prefix, name])
        else:
            out.append(prefix)

    walk(command(), [])
    return out


@pytest.mark.parametrize("path", _all_commands(), ids=" ".join)
def test_help_has_no_bool_placeholder(path, capsys):
    assert main([*path, "--help"]) == 0
    text = capsys.readouterr().out
    assert "<bool>" not in text and "Usage" in text


def test_every_flag_has_an_empty_metavar():
    def walk(c):
        for p in getattr(c, "params", ()):
            if getattr(p, "is_flag", False):
                assert p.metavar == "", (c.name, p.name)
        for sub in (getattr(c, "commands", None) or {}).values():
            walk(sub)

    walk(command())


def test_shell_completion_completes_commands_and_options():
    env = {
        **os.environ,
        "_BRAINRIT_COMPLETE": "complete_bash",
        "COMP_WORDS": "brainrit compare-n",
        "COMP_CWORD": "1",
    }
    code = "from brainrit.cli import main; raise SystemExit(main())"
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert "compare-nuclides" in res.stdout.split()
    env.update(COMP_WORDS="brainrit compare-nuclides --js", COMP_CWORD="2")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert "--json" in res.stdout.split()


def test_show_completion_prints_a_script(capsys):
    with pytest.raises(SystemExit) as exc:  # typer's completion callback exits by itself
        main(["--show-completion", "bash"])
    assert exc.value.code == 0
    assert "_brainrit_completion" in capsys.readouterr().out


def test_compare_plot_legend_does_not_cover_bars():
    from brainrit.cli.compare import plot_figure
    from brainrit.dosimetry.vascular import compare_nuclides

    fig = plot_figure(compare_nuclides(["At-211", "Lu-177"]))
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    assert legend.y0 >= ax.get_window_extent().y1 - 1  # above the plotting area
    assert ax.get_ylabel() and ax.get_xlabel()  # units on the axis
    assert ax.get_ylim()[0] > 1e-20  # no bar drawn down to a 1e-30 floor


def test_scenarios_and_scenario_show_json(capsys):
    assert main(["scenarios", "--json"]) == 0
    names = {s["name"] for s in json.loads(capsys.readouterr().out)}
    assert {"human-early-bm", "mouse-vcam1-pb212"} <= names
    assert main(["scenario", "show", "mouse-vcam1-pb212", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["study"]["name"] == "mouse-vcam1-pb212"


def test_run_stages(tmp_path, capsys):
    from brainrit.scenario import builtin_text

    src = tmp_path / "s.toml"
    src.write_text(builtin_text("mouse-vcam1-pb212"), encoding="utf-8")
    out = tmp_path / "o"
    assert main(["run", str(src), "--out", str(out), "--stages", "radionuclide,kinetics", "--json"]) == 0
    stages = json.loads(capsys.readouterr().out)["stages"]
    assert stages["radionuclide"]["status"] == "ok" and stages["kinetics"]["status"] == "ok"
    assert stages["dosimetry"]["status"] == "not run"
    assert main(["run", str(src), "--out", str(tmp_path / "x"), "--stages", "kinetix"]) == 2
    assert "did you mean" in capsys.readouterr().err
