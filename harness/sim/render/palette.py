"""The colours of the simulated screens, as measured on real devices (reference section 5).

RGB tuples. Values marked "reference" come from /work/shared/reference/autopilot-flow.md; the
others are chosen to look like Windows and may be tuned freely.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)

# Windows 10 OOBE
W10_BLUE: RGB = (0, 66, 117)  # reference: OOBE background
W10_ESP_BLUE: RGB = (0, 65, 115)  # reference: ESP background
W10_STRIP: RGB = (0, 43, 77)  # the thin top strip and the bottom strip
W10_TAB_DIM: RGB = (150, 175, 200)  # section names that are not the current one
W10_BUTTON: RGB = (0, 120, 215)  # reference: flat button
W10_BUTTON_DISABLED: RGB = (51, 102, 145)
W10_TILE_SELECTED: RGB = (1, 98, 177)  # reference: selected options tile
W10_TILE_IDLE: RGB = (0, 82, 146)
W10_LINK: RGB = (153, 204, 255)  # "Show details" light blue
W10_SUBTEXT: RGB = (214, 226, 238)
W10_FIELD: RGB = (255, 255, 255)
W10_FIELD_TEXT: RGB = (110, 110, 110)
W10_LIST_BG: RGB = (0, 55, 98)
W10_LIST_SELECTED: RGB = (0, 120, 215)

# Result screens (both versions)
SUCCESS_GREEN: RGB = (0, 117, 51)  # reference
SUCCESS_BUTTON: RGB = (0, 92, 40)  # reference: Reseal
FAILURE_RED: RGB = (107, 17, 16)  # reference
FAILURE_BUTTON: RGB = (84, 11, 11)  # reference: Retry / Reset

# Status icons
TICK_GREEN: RGB = (16, 124, 16)
TICK_GREEN_LIGHT: RGB = (108, 203, 95)
CROSS_RED: RGB = (232, 17, 35)
WARNING_AMBER: RGB = (252, 185, 0)
WARNING_DARK: RGB = (157, 93, 0)

# Windows 11 OOBE
W11_BACKDROP: RGB = (216, 227, 236)  # reference
W11_CARD: RGB = (249, 250, 252)  # reference
W11_CARD_BORDER: RGB = (229, 232, 236)
W11_TEXT: RGB = (27, 27, 27)
W11_SUBTEXT: RGB = (96, 96, 96)
W11_ACCENT: RGB = (44, 103, 187)  # reference: primary button
W11_SECONDARY: RGB = (253, 253, 253)
W11_SECONDARY_BORDER: RGB = (209, 209, 209)
W11_SELECTED: RGB = (229, 238, 250)
W11_LIST_BORDER: RGB = (222, 226, 230)
W11_ILLUSTRATION: tuple[RGB, ...] = (
    (178, 208, 240),
    (96, 158, 226),
    (44, 103, 187),
    (222, 234, 247),
    (255, 255, 255),
)

# Firmware splash
FIRMWARE_LOGO: RGB = (200, 200, 200)
FIRMWARE_DOT: RGB = (235, 235, 235)
