"""A picture being drawn, with sizes given in *design pixels* of a 1080-line screen.

Every screen is laid out once for a 1080-pixel-high display and scaled by ``height / 1080``, the
way Windows display scaling grows everything with the screen: a 1024x768 frame shows the same
layout at 71 %, a 3840x2160 frame at 200 %. Horizontal positions are measured from the centre or
from an edge, so other aspect ratios (4:3, 16:10, 16:9) only change the margins; content blocks
stay within 1440 design pixels (4:3 of 1080) so they fit a 1024x768 screen.

The canvas carries the frame's ``Layout`` (the default one unless the randomized corpus asks
for another): its display scaling and typeface apply to everything drawn, and ``title`` /
``title_wrapped`` place the screen's title as it says. Everything drawn with text, an icon or
the QR code is recorded in ``drawn`` (kind, text, box), so the corpus can keep its
annotations, cursor and crops off the content.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from harness.sim.render.fonts import Weight, font
from harness.sim.render.layout import DEFAULT_LAYOUT, Layout
from harness.sim.render.palette import RGB, WHITE

DESIGN_HEIGHT = 1080
Box = tuple[int, int, int, int]
Drawn = tuple[str, str, Box]
"""(kind, text, box): kind is ``title``, ``text``, ``icon``, ``qr`` or ``panel`` (a button, tile,
list or field: a box that holds texts); box is left, top, right, bottom in pixels."""


class Canvas:
    """An RGB image plus the scale factor and the text and shape helpers the screens share."""

    def __init__(self, image: Image.Image, layout: Layout = DEFAULT_LAYOUT) -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.layout = layout
        self.width, self.height = image.size
        self.unit = self.height / DESIGN_HEIGHT * layout.scale
        self.cx = self.width // 2
        self.hotspots: dict[str, tuple[int, int, int, int]] = {}
        """Clickable controls drawn so far: label -> (left, top, right, bottom)."""
        self.drawn: list[Drawn] = []

    # -- geometry -------------------------------------------------------------------------
    def px(self, design: float) -> int:
        """Design pixels to screen pixels (at least 1 for anything non-zero)."""
        value = round(design * self.unit)
        return max(1, value) if design > 0 else value

    def y(self, design: float) -> int:
        return self.px(design)

    # -- text -----------------------------------------------------------------------------
    def font(self, weight: Weight, size: float) -> ImageFont.FreeTypeFont:
        return font(weight, self.px(size), self.layout.font_family)

    def text_width(self, text: str, face: ImageFont.FreeTypeFont) -> int:
        return round(face.getlength(text))

    def fit(
        self, text: str, weight: Weight, size: float, max_width: int
    ) -> tuple[str, ImageFont.FreeTypeFont]:
        """A font no smaller than 75 % of ``size`` that fits ``max_width``; ellipsize if needed."""
        scaled = size
        face = self.font(weight, scaled)
        while self.text_width(text, face) > max_width and scaled > size * 0.75:
            scaled -= 1
            face = self.font(weight, scaled)
        if self.text_width(text, face) <= max_width:
            return text, face
        shortened = text
        while shortened and self.text_width(shortened + "...", face) > max_width:
            shortened = shortened[:-1]
        return shortened.rstrip() + "...", face

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        *,
        size: float,
        weight: Weight = "regular",
        fill: RGB = WHITE,
        anchor: str = "la",
        max_width: int | None = None,
        kind: str = "text",
    ) -> Box:
        """Draw one line at screen pixel ``xy`` (Pillow anchor); returns its bounding box."""
        if max_width is not None:
            text, face = self.fit(text, weight, size, max_width)
        else:
            face = self.font(weight, size)
        position = (round(xy[0]), round(xy[1]))
        self.draw.text(position, text, font=face, fill=fill, anchor=anchor)
        left, top, right, bottom = self.draw.textbbox(position, text, font=face, anchor=anchor)
        box = int(left), int(top), int(right), int(bottom)
        self.drawn.append((kind, text, box))
        return box

    def title(
        self,
        xy: tuple[float, float],
        text: str,
        *,
        span: tuple[int, int],
        size: float,
        weight: Weight = "light",
        fill: RGB = WHITE,
        anchor: str = "mm",
        max_width: int | None = None,
    ) -> Box:
        """The screen's one-line title at ``xy`` as the screen draws it, moved and resized as
        the layout says; ``span`` (left, right) is the content it aligns with."""
        x, y = xy
        align = self.layout.title_align
        if align == "left":
            x, anchor = span[0], "l" + anchor[1]
        elif align == "centre":
            x, anchor = (span[0] + span[1]) / 2, "m" + anchor[1]
        return self.text(
            (x, y + self.px(self.layout.title_offset)),
            text,
            size=size * self.layout.title_scale,
            weight=weight,
            fill=fill,
            anchor=anchor,
            max_width=max_width,
            kind="title",
        )

    def title_wrapped(
        self,
        left: int,
        right: int,
        top: int,
        text: str,
        *,
        size: float,
        weight: Weight,
        fill: RGB,
        line_gap: float,
    ) -> int:
        """A title wrapped in ``left..right`` from ``top``, left-aligned unless the layout
        centres it; returns the y below its last line."""
        centred = self.layout.title_align == "centre"
        return self.wrapped(
            ((left + right) / 2 if centred else left, top + self.px(self.layout.title_offset)),
            text,
            size=size * self.layout.title_scale,
            weight=weight,
            fill=fill,
            max_width=right - left,
            align="centre" if centred else "left",
            line_gap=line_gap,
            kind="title",
        )

    def wrapped(
        self,
        xy: tuple[float, float],
        text: str,
        *,
        size: float,
        max_width: int,
        weight: Weight = "regular",
        fill: RGB = WHITE,
        align: str = "left",
        line_gap: float = 1.35,
        kind: str = "text",
    ) -> int:
        """Draw ``text`` wrapped at ``max_width``; ``xy`` is the top-left (or top-centre when
        ``align`` is ``centre``). Returns the y just below the last line."""
        face = self.font(weight, size)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current = ""
            for word in paragraph.split():
                candidate = f"{current} {word}".strip()
                if current and self.text_width(candidate, face) > max_width:
                    lines.append(current)
                    current = word
                else:
                    current = candidate
            lines.append(current)
        step = round(self.px(size) * line_gap)
        x, y = round(xy[0]), round(xy[1])
        anchor = "ma" if align == "centre" else "la"
        for line in lines:
            self.draw.text((x, y), line, font=face, fill=fill, anchor=anchor)
            box = self.draw.textbbox((x, y), line, font=face, anchor=anchor)
            self.drawn.append((kind, line, (int(box[0]), int(box[1]), int(box[2]), int(box[3]))))
            y += step
        return y

    # -- shapes ---------------------------------------------------------------------------
    def rect(
        self,
        box: Box,
        fill: RGB | None = None,
        outline: RGB | None = None,
        width: int = 1,
        radius: int = 0,
    ) -> None:
        if radius > 0:
            self.draw.rounded_rectangle(box, radius=radius, fill=fill, outline=outline, width=width)
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=width)

    def dotted_rect(self, box: Box, fill: RGB = WHITE, thickness: int | None = None) -> None:
        """The Windows keyboard-focus rectangle: a dotted line around ``box``."""
        dot = thickness or max(1, self.px(2))
        left, top, right, bottom = box
        for x in range(left, right + 1, dot * 2):
            self.draw.rectangle((x, top, min(x + dot - 1, right), top + dot - 1), fill=fill)
            self.draw.rectangle((x, bottom - dot + 1, min(x + dot - 1, right), bottom), fill=fill)
        for y in range(top, bottom + 1, dot * 2):
            self.draw.rectangle((left, y, left + dot - 1, min(y + dot - 1, bottom)), fill=fill)
            self.draw.rectangle((right - dot + 1, y, right, min(y + dot - 1, bottom)), fill=fill)

    def paste(self, tile: Image.Image, xy: tuple[int, int]) -> None:
        """Paste an RGBA glyph with its alpha channel as the mask."""
        x, y = round(xy[0]), round(xy[1])
        self.image.paste(tile, (x, y), tile)
        self.drawn.append(("icon", "", (x, y, x + tile.width, y + tile.height)))
