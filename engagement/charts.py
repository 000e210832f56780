"""Bar charts as inline SVG geometry, so the dashboard needs no JavaScript library and no CDN."""

WIDTH, HEIGHT, PAD_TOP, PAD_BOTTOM = 600, 160, 10, 20


def bar_chart(points: list[dict], *, width: int = WIDTH, height: int = HEIGHT) -> dict:
    """points: [{"date": "YYYY-MM-DD", "value": float}] -> bars with x, y, w, h in SVG units."""
    values = [p["value"] or 0 for p in points]
    top = max(values, default=0) or 1
    slot = width / max(len(points), 1)
    plot = height - PAD_TOP - PAD_BOTTOM
    bars = []
    for i, point in enumerate(points):
        h = round((point["value"] or 0) / top * plot, 1)
        bars.append({"x": round(i * slot + slot * 0.1, 1), "w": round(slot * 0.8, 1), "y": round(PAD_TOP + plot - h, 1),
                     "h": h, "date": point["date"], "value": point["value"]})
    return {"bars": bars, "max": max(values, default=0), "width": width, "height": height,
            "baseline": height - PAD_BOTTOM, "first": points[0]["date"] if points else "",
            "last": points[-1]["date"] if points else "", "label_y": height - 4}
