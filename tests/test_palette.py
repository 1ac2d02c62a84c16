"""The chart palette stays distinguishable under colour-vision deficiencies, and text contrast holds."""

import numpy as np
import pytest

from indicators.charts import PALETTE

# Machado, Oliveira & Fernandes (2009), full severity, applied to linear RGB.
DEFICIENCIES = {
    "protanopie": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deutéranopie": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopie": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
SERIES_COLOURS = PALETTE[:4]  # at most four series share a chart


def linear(hex_colour: str) -> np.ndarray:
    srgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def lab(rgb_linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(
        rgb_linear, 0, 1
    )
    ratio = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(ratio > 0.008856, np.cbrt(ratio), 7.787 * ratio + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def luminance(hex_colour: str) -> float:
    return float(np.dot([0.2126, 0.7152, 0.0722], linear(hex_colour)))


@pytest.mark.parametrize("deficiency", list(DEFICIENCIES))
def test_series_colours_stay_apart(deficiency):
    matrix = np.array(DEFICIENCIES[deficiency])
    seen = [lab(matrix @ linear(colour)) for colour in SERIES_COLOURS]
    distances = [np.linalg.norm(a - b) for i, a in enumerate(seen) for b in seen[i + 1 :]]
    assert min(distances) > 10, f"{deficiency} : deux couleurs se confondent (ΔE {min(distances):.1f})"


@pytest.mark.parametrize("colour", ["#4a4a4a", "#1f1f1f", "#000000", "#6b2e0d"])
def test_text_colours_reach_4_5_to_1_on_white(colour):
    assert (1.05) / (luminance(colour) + 0.05) >= 4.5
