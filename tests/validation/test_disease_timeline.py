"""Validation of brainrit.disease against the MDA-231-Br mouse timeline and the human detection anchors
(Zhou et al. 2013; Percy et al. 2011; Serres et al. 2012; Kobets et al. 2020).

Where the model's constants come from (none is tuned to the numbers checked here):

* growth: Gompertz, initial doubling 1.0 d = geometric mean of the 15–38 h in-vitro doubling of
  MDA-MB-231 [K]; plateau fixed by Zhou et al. 2013 (PLoS One 8:e62238): smallest lesions 310 µm on
  T2w MRI at week 3, at 10⁹ cells/cm³ (rule of thumb [K]);
* contrast MRI (mouse): median threshold fixed by Zhou 2013's 34 % (160/464) enhancing lesions at week 5;
  width 1.5 decades (assumption);
* VCAM-1 MRI (mouse): 10–100 cells (assumption: MPIO bind once VCAM-1 is expressed).

Checked against data NOT used above: Serres et al., PNAS 2012;109:6674 (VCAM-1 MRI detects lesions of
< 1,000 cells at day 5) and Percy et al., Invest Radiol 2011;46:718 (Gd-enhancing fraction of 231-BR
metastases: 0 % at day 20, 6.1 ± 6.3 % at day 25, 28.1 ± 14.2 % at day 30; mean ± SD between mice).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import brainrit.disease as dz


@pytest.fixture(scope="module")
def mouse():
    g = dz.growth_preset("MDA-231-Br")
    return g, dz.default_modalities("mouse", g)


def test_vcam1_mri_detects_around_day_5(mouse):
    """Serres 2012: VCAM-1 MRI detected metastases 5 days after intracardiac injection, < 1,000 cells.

    Tolerance ±2 d on the median detection day: day 5 was the first imaging time (earlier detection was not
    tested) and extravasation after intracardiac injection takes hours to ~3 days (Kienast 2010), which
    shifts the start of growth. Model: median detection on day 5.6.
    """
    g, mods = mouse
    t50 = dz.detection_time_d(g, mods["VCAM-1 MRI"].n50_cells)
    assert 3.0 <= t50 <= 7.0
    assert dz.cells_at(g, 5.0) < 1000.0
    # and contrast MRI sees nothing then (Serres 2012: no Gd enhancement)
    assert mods["contrast MRI"].sensitivity(dz.cells_at(g, 5.0)) < 1e-3


@pytest.mark.parametrize(
    "day, mean, sd",
    [(20.0, 0.0, 0.0), (25.0, 0.061, 0.063), (30.0, 0.281, 0.142)],
)
def test_contrast_enhancing_fraction_percy2011(mouse, day, mean, sd):
    """Percy 2011: fraction of 231-BR metastases enhancing on Gd-T1w MRI. Tolerance: within 2 SD of the
    between-mouse mean; at day 20 (0 % observed) the model may show at most 2 %.

    Model (lesions seeded at day 0): 0.8 % (day 20), 4.2 % (day 25), 14.8 % (day 30). The day-30 value is
    1 SD below Percy's mean; Zhou 2013 (different lab) saw 34 % at day 35, so the two series are not fully
    consistent with one threshold — written here, not tuned away.
    """
    g, mods = mouse
    f = dz.enhancing_fraction(mods["contrast MRI"], g, day)
    if sd == 0.0:
        assert f <= 0.02
    else:
        assert mean - 2 * sd <= f <= mean + 2 * sd


def test_contrast_enhancement_onset_days_25_30(mouse):
    """Percy et al. 2011 (Invest Radiol 46:718): contrast enhancement appears around days 25–30 (Percy
    2011; Zhou 2013: none at
    week 3). The day on which 5 % of lesions enhance must fall in [22, 30] d (±3 d around the 25–30 d
    window's lower end, the first time Percy saw enhancement); model: day 25.6."""
    g, mods = mouse
    m = mods["contrast MRI"]
    t = np.linspace(15.0, 40.0, 2501)
    f = dz.enhancing_fraction(m, g, t)
    onset = t[np.argmax(f >= 0.05)]
    assert 22.0 <= onset <= 30.0
    assert np.all(np.diff(f) >= 0)


def test_zhou2013_anchors_reproduced(mouse):
    """The two Zhou 2013 anchors the defaults were derived from are reproduced (consistency of the
    derivation, not an independent validation): 310 µm at day 21; 34 % enhancing at day 35."""
    g, mods = mouse
    assert dz.diameter_mm(g, dz.cells_at(g, 21.0)) == pytest.approx(0.31, rel=1e-9)
    assert dz.enhancing_fraction(mods["contrast MRI"], g, 35.0) == pytest.approx(160 / 464, rel=1e-9)


def test_monte_carlo_enhancing_fraction_matches_curve(mouse):
    """Virtual mice (seeding on days 0–2, thresholds drawn per lesion): the fraction of lesions seen by
    contrast MRI by day 30 equals the sensitivity curve averaged over seeding days (4 standard errors)."""
    course = dz.default_course("mouse")
    vp = dz.sample_patients(course, 300, seed=2012)
    det = vp.detection_time_d["contrast MRI"] <= 30.0
    frac = det.mean()
    s = np.linspace(0.0, 2.0, 401)
    expect = float(
        np.mean(course.modalities["contrast MRI"].sensitivity(dz.cells_at(course.growth, 30.0 - s)))
    )
    se = math.sqrt(expect * (1 - expect) / det.size)
    assert abs(frac - expect) < 4 * se
    assert 0.281 - 2 * 0.142 <= frac <= 0.281 + 2 * 0.142


def test_human_lead_time_vcam1_over_contrast():
    """Serres 2012 clinical estimate (VCAM-1 MRI 0.3–3 × 10⁵ cells vs Gd-MRI 10⁷–10⁸) with Kobets 2020
    doubling times: VCAM-1 MRI sees a breast (lung) metastasis T_d·log2(N50_Gd/N50_VCAM) earlier —
    721 d (1165 d): exact for exponential growth (tolerance 1e-12 relative)."""
    for primary, td in (("breast", 86.0), ("lung", 139.0)):
        g = dz.growth_preset(primary)
        m = dz.default_modalities("human", g)
        lead = dz.detection_time_d(g, m["contrast MRI"].n50_cells) - dz.detection_time_d(
            g, m["VCAM-1 MRI"].n50_cells
        )
        assert lead == pytest.approx(td * math.log2(math.sqrt(1e15) / math.sqrt(9e9)), rel=1e-12)
