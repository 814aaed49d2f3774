"""index.html: one self-contained page (charts as inline PNGs, no external
assets), so it can be mailed, archived, or served as a single file."""
import base64
import html
import io
from datetime import datetime, timezone

from course.grader.report.summary import by_points_lost, time_summary

STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:75em;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}
td.l,th.l{text-align:left}pre{background:#f6f6f6;padding:.5em;overflow-x:auto;margin:.3em 0}
.kind{margin:.5em 0 1em 1em}.muted{color:#666}img{max-width:100%}h2{border-top:2px solid #ddd;padding-top:.5em}
"""


def _png(fig, tight=True):
    """A matplotlib figure as an <img> with its PNG inline. tight: crop to
    what is drawn (costs a second drawing; the many small plots lay
    themselves out instead)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight" if tight else None)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="chart" src="data:image/png;base64,{data}">'


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no display on a grading server
    import matplotlib.pyplot as plt

    return plt


def chart_points_lost(ordered):
    """Points lost per submission, per step, the worst first (steps nobody
    has handed in yet are left out)."""
    plt = _pyplot()
    ordered = [s for s in ordered if s.submitted]
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(ordered) + 1))
    lost = [s.points_lost / s.submitted if s.submitted else 0 for s in ordered]
    ax.barh([s.step for s in ordered][::-1], lost[::-1], color="#c0504d")
    ax.set_xlabel("points lost per submission")
    ax.set_title("Where the class loses points")
    return _png(fig)


def chart_pass_rates(summaries):
    """Share of submissions that passed each graded cell, in course order."""
    plt = _pyplot()
    checks = [c for s in summaries for c in s.checks]
    fig, ax = plt.subplots(figsize=(8, 0.22 * len(checks) + 1))
    labels = [f"{c.step} {c.grade_id}" for c in checks][::-1]
    rates = [100 * (c.pass_rate or 0) for c in checks][::-1]
    ax.barh(labels, rates, color=["#4f81bd" if r >= 50 else "#c0504d" for r in rates])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of submissions that passed")
    ax.set_title("Pass rate of each check")
    ax.tick_params(axis="y", labelsize=7)
    return _png(fig)


def chart_scores(summaries, bins=10):
    """The distribution of scores: one histogram per step, as a row of bars
    (score as a share of the step's points, in `bins` bins), all in one
    axes: seventeen separate plots would take most of the report's time."""
    plt = _pyplot()
    shown = [s for s in summaries if s.submitted][::-1]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(shown) + 1))
    lefts, bottoms, heights = [], [], []
    for row, step in enumerate(shown):
        counts = [0] * bins
        for score in step.scores:
            share = score / step.max_score if step.max_score else 0
            counts[min(bins - 1, max(0, int(share * bins)))] += 1
        for i, count in enumerate(counts):
            lefts.append(100 * i / bins)
            bottoms.append(row - 0.45)
            heights.append(0.9 * count / max(counts))
    ax.bar(lefts, heights, width=100 / bins * 0.9, bottom=bottoms, align="edge", color="#4f81bd")
    ax.set_yticks(range(len(shown)), [s.step for s in shown])
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(shown) - 0.4)
    ax.set_xlabel("score, % of the step's points (in 10% bins); bar height: submissions, relative to the step's tallest bar")
    ax.set_title("Scores per step")
    return _png(fig)


def _e(text):
    return html.escape(str(text))


def render_check(check):
    rows = [f"<h4>{_e(check.grade_id)} ({check.points:g} points): {check.passed} of {check.submitted} passed"
            + (f", {check.limit} hit a limit" if check.limit else "") + "</h4>"]
    for kind in check.kinds:
        rows.append(f'<div class="kind"><b>{kind.count}</b> &times; <code>{_e(kind.label)}</code>'
                    f'<div class="muted">for example: {_e(kind.message)}</div>')
        for answer in kind.examples:
            rows.append(f"<pre>{_e(answer)}</pre>")
        rows.append("</div>")
    return "\n".join(rows)


def render_step(step):
    parts = [f'<h2 id="{_e(step.step)}">{_e(step.step)}</h2>']
    if not step.submitted:
        parts.append("<p>No submissions yet.</p>")
    else:
        mean = sum(step.scores) / step.submitted
        parts.append(f"<p>{step.submitted} submissions, mean score {mean:.2f} of {step.max_score:g}; "
                     f"{step.points_lost:g} points lost in all.</p>")
        parts.append('<table><tr><th class="l">check</th><th>points</th><th>submitted</th><th>passed</th>'
                     "<th>failed</th><th>limit</th></tr>")
        for c in step.checks:
            parts.append(f'<tr><td class="l">{_e(c.grade_id)}</td><td>{c.points:g}</td><td>{c.submitted}</td>'
                         f"<td>{c.passed}</td><td>{c.failed}</td><td>{c.limit}</td></tr>")
        parts.append("</table>")
        times = time_summary(step.seconds)
        if times:
            parts.append(f"<p>Grading time per submission: median {times['median']:.1f} s, "
                         f"longest {times['max']:.1f} s.</p>")
        for c in step.checks:
            if c.kinds:
                parts.append(render_check(c))
    if step.limits:
        parts.append(f"<h3>Limits hit ({len(step.limits)})</h3><table>"
                     '<tr><th class="l">student</th><th class="l">limit</th><th class="l">message</th></tr>')
        parts += [f'<tr><td class="l">{_e(s)}</td><td class="l">{_e(e)}</td><td class="l">{_e(m[:300])}</td></tr>'
                  for s, e, m in step.limits]
        parts.append("</table>")
    if step.not_submitted:
        parts.append(f"<h3>Not submitted ({len(step.not_submitted)})</h3><p>"
                     + ", ".join(_e(s) for s in step.not_submitted) + "</p>")
    return "\n".join(parts)


def render(summaries, students, title="Where the class tripped"):
    """The whole page, as a string."""
    ordered = by_points_lost(summaries)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = [f"<h1>{_e(title)}</h1>",
            f'<p class="muted">{len(students)} students in the gradebook, {len(summaries)} steps; '
            f"generated {when}. Failure messages are grouped into kinds: numbers, quoted names, tensors "
            "and paths are shown as #, '…', tensor(…) and &lt;path&gt;. Example answers are "
            "the answer cells above the failing check, de-duplicated, with student ids replaced.</p>"]
    if any(s.submitted for s in summaries):
        body += [chart_points_lost(ordered), chart_pass_rates(summaries), chart_scores(summaries)]
    body.append("<p>Steps, where the class loses most first: "
                + ", ".join(f'<a href="#{_e(s.step)}">{_e(s.step)}</a>' for s in ordered) + "</p>")
    body += [render_step(s) for s in ordered]
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
