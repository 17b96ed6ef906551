"""The shared SVG chart parts: bars mirrored for a right-to-left reader, isolated texts and
legends that start on the reader's side."""

from hsbp.chart_svg import Key, bar_chart, isolate, legend
from hsbp.i18n import bdi, isolated

ROWS = [("¿Río?", 0.5, "50%"), ("Acme S.A.S.", 1.0, "100%")]


def draw(rtl: bool) -> str:
    return str(bar_chart(ROWS, chart_id="c", title="Agua", summary="Fuente", rtl=rtl))


def test_bar_chart_left_to_right_puts_labels_left_and_bars_from_the_left():
    svg = draw(rtl=False)
    assert 'class="chart" direction="ltr">' in svg
    assert (
        '<text x="182.0" y="19" text-anchor="end" font-size="13" fill="#1b1f24" '
        'class="label">\u2068¿Río?\u2069</text>'
        '<rect x="190.0" y="7" width="320" height="16" fill="#e6ebf1"/>'
        '<rect x="190.0" y="7" width="160.0" height="16" fill="#0b5394" class="bar"/>'
        '<text x="516.0" y="19" text-anchor="start" font-size="13" fill="#1b1f24" '
        'class="value">\u206850%\u2069</text>'
    ) in svg


def test_bar_chart_right_to_left_is_mirrored_with_the_same_anchors():
    svg = draw(rtl=True)
    # direction="rtl" turns "end" into the left side of a text: the label's left side sits
    # just right of the track, and the bar grows leftwards from the track's right end.
    assert 'class="chart" direction="rtl">' in svg
    assert (
        '<text x="378.0" y="19" text-anchor="end" font-size="13" fill="#1b1f24" '
        'class="label">\u2068¿Río?\u2069</text>'
        '<rect x="50.0" y="7" width="320" height="16" fill="#e6ebf1"/>'
        '<rect x="210.0" y="7" width="160.0" height="16" fill="#0b5394" class="bar"/>'
        '<text x="44.0" y="19" text-anchor="start" font-size="13" fill="#1b1f24" '
        'class="value">\u206850%\u2069</text>'
    ) in svg
    assert '<rect x="50.0" y="33" width="320.0" height="16" fill="#0b5394"' in svg


def test_isolate_escapes_and_wraps_in_first_strong_isolates():
    assert isolate("<b>Acme S.A.S.</b>") == "\u2068&lt;b&gt;Acme S.A.S.&lt;/b&gt;\u2069"
    assert isolated("23 conflictos") == "\u206823 conflictos\u2069"
    assert str(bdi("¿Agua?")) == "<bdi>¿Agua?</bdi>"
    assert str(bdi("<i>x</i>")) == "<bdi>&lt;i&gt;x&lt;/i&gt;</bdi>"


def test_legend_starts_on_the_readers_side():
    keys = [Key("Recibidas", "#0b5394"), Key("Esperado", "#b45f06", "6 4")]
    ltr, rtl = (
        "".join(legend(keys, top=0, width=300, rtl=False)),
        "".join(legend(keys, top=0, width=300, rtl=True)),
    )
    assert '<rect x="10" y="0" width="12" height="12" fill="#0b5394"/>' in ltr
    assert '<text x="32" y="11" direction="ltr" text-anchor="start"' in ltr
    assert '<rect x="278" y="0" width="12" height="12" fill="#0b5394"/>' in rtl
    assert '<text x="268" y="11" direction="rtl" text-anchor="start"' in rtl
    assert '<line x1="274" y1="24" x2="294" y2="24" stroke="#b45f06" stroke-width="2" ' in rtl
    assert 'stroke-dasharray="6 4"/>' in rtl and "\u2068Esperado\u2069</text>" in rtl
