#!/usr/bin/env python3
"""Opens report.html in headless Chromium and uses it as a person would.

Drives the browser over the DevTools protocol on a pipe (--remote-debugging-pipe: the browser reads
NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4), so only the standard
library is needed. Checks: the map has K circles; clicking a topic shows that topic's words, in the
order the relevance formula gives for the data in the page; Enter on a focused topic selects it;
moving the lambda slider with the keyboard reorders the words; the search box finds talks; a talk's
view shows its topic mix; the page raised no script error or CSP violation and made no request
besides the file itself. Saves screenshots.

  report_test.py --topics BIN --corpus DIR --out DIR [-k K]   the test (exit 77: no chromium)
  report_test.py --report FILE --measure N                     load time only, N runs, median
"""
import argparse
import json
import math
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SKIP = 77


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """One headless Chromium with one page, commands sent over the debugging pipe."""

    def __init__(self, exe, width=1280, height=1000):
        self.tmp = tempfile.mkdtemp(prefix="topics-browser-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():  # the child sees our pipes as its fds 3 and 4
            # copies first: either pipe may already be fd 3 or 4, and dup2 onto itself would
            # leave the close-on-exec flag set
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [exe, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
                "--user-data-dir=" + self.tmp, "--window-size=%d,%d" % (width, height),
                "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=fds, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None
        target = self.call("Target.createTarget", {"url": "about:blank"}, browser=True)
        att = self.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                        browser=True)
        self.session = att["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(domain + ".enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self.from_child], [], [], left)
            if ready:
                chunk = os.read(self.from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the debugging pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, browser=False, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session and not browser:
            msg["sessionId"] = self.session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        for i, ev in enumerate(self.events):
            if ev["method"] == method:
                return self.events.pop(i)
        while True:
            ev = self._read_message(deadline)
            if ev.get("method") == method:
                return ev
            if "method" in ev:
                self.events.append(ev)

    def eval(self, expr):
        res = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                              "awaitPromise": True})
        if "exceptionDetails" in res:
            raise RuntimeError("page script failed: %s: %s" % (expr, res["exceptionDetails"]))
        return res["result"].get("value")

    def load(self, url):
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        self.call("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired", timeout=60)
        return self.eval("performance.getEntriesByType('navigation')[0].loadEventStart")

    def click(self, x, y):
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y,
                                                   "button": "left", "clickCount": 1})

    def key(self, key, code, vk, text=None):
        down = {"type": "keyDown" if text else "rawKeyDown", "key": key, "code": code,
                "windowsVirtualKeyCode": vk}
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", down)
        self.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code,
                                             "windowsVirtualKeyCode": vk})

    def screenshot(self, path, full=True, clip=None):
        params = {"format": "png", "captureBeyondViewport": full}
        if clip:
            params["clip"] = dict(clip, scale=1)
        data = self.call("Page.captureScreenshot", params, timeout=60)["data"]
        import base64
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close", browser=True, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_child)
        os.close(self.from_child)
        shutil.rmtree(self.tmp, ignore_errors=True)


failures = 0
passes = 0


def check(cond, what):
    global failures, passes
    if cond:
        passes += 1
        print("ok:", what)
    else:
        failures += 1
        print("FAILED:", what)


def expected_order(data, t, lam):
    """The top 30 words of topic t at lambda, recomputed from the page's data."""
    cand = data["topics"][t]["cand"]
    rows = []
    for i in range(0, len(cand), 2):
        w, phi = cand[i], cand[i + 1]
        p = data["cf"][w] / data["cftotal"]
        rows.append((-(lam * math.log(phi) + (1 - lam) * math.log(phi / p)), w))
    rows.sort()
    return [data["words"][w] for _, w in rows[:30]]


def shown_words(b):
    return b.eval("[...document.querySelectorAll('#bars .row')].map(g => g.dataset.word)")


def page_data(path):
    html = open(path, encoding="utf-8").read()
    start = html.index('<script type="application/json" id="report-data">') + 49
    data = json.loads(html[start:html.index("</script>", start)])
    prev = ""
    for i, d in enumerate(data["docs"]):  # ids are front-coded: [title, shared, rest, ...]
        prev = prev[:d[1]] + d[2]
        data["docs"][i] = [d[0], prev] + d[3:]
    return data


def run_test(args):
    exe = find_chromium()
    if not exe:
        print("skipped: chromium is not installed (apt-get install chromium)")
        return SKIP
    os.makedirs(args.out, exist_ok=True)
    outdir = os.path.join(args.out, "report-k%d" % args.k)
    os.makedirs(outdir, exist_ok=True)
    subprocess.run([args.topics, args.corpus, "-k", str(args.k), "-q", "-o", outdir],
                   check=True, stdout=subprocess.DEVNULL)
    report = os.path.abspath(os.path.join(outdir, "report.html"))
    url = "file://" + report
    data = page_data(report)
    b = Browser(exe)
    try:
        load_ms = b.load(url)
        print("load event after %.0f ms" % load_ms)
        n = b.eval("document.querySelectorAll('#map .topic circle').length")
        check(n == args.k, "the map has %d circles (found %s)" % (args.k, n))
        labels = b.eval("[...document.querySelectorAll('#map .topic .num')].map(e => e.textContent)")
        check(labels == [str(t) for t in range(args.k)], "circles are numbered 0..K-1 as in the text output")
        clashes = b.eval("""(() => {
          const bs = [...document.querySelectorAll('#map .lab:not(.faint)')].map(e => e.getBBox());
          let n = 0;
          for (let i = 0; i < bs.length; i++)
            for (let j = i + 1; j < bs.length; j++) {
              const a = bs[i], c = bs[j];
              if (a.x < c.x + c.width && c.x < a.x + a.width && a.y < c.y + c.height && c.y < a.y + a.height) n++;
            }
          return n;
        })()""")
        check(clashes == 0, "no two topic labels on the map overlap (%s pairs do)" % clashes)
        outside = b.eval("""(() => {
          const vb = document.getElementById('map').viewBox.baseVal;
          return [...document.querySelectorAll('#map .lab:not(.faint)')].map(e => e.getBBox())
            .filter(r => r.x < vb.x - 0.5 || r.y < vb.y - 0.5 || r.x + r.width > vb.x + vb.width + 0.5 ||
                         r.y + r.height > vb.y + vb.height + 0.5).length;
        })()""")
        check(outside == 0, "every topic label stays inside the map (%s do not)" % outside)
        hidden = b.eval("""(() => {
          const cs = [...document.querySelectorAll('#map .topic circle')].map(c =>
            [+c.getAttribute('cx'), +c.getAttribute('cy'), +c.getAttribute('r')]);
          return cs.filter((a, i) => cs.some((c, j) => j !== i && Math.hypot(a[0] - c[0], a[1] - c[1]) < c[2])).length;
        })()""")
        check(hidden == 0, "no circle's centre (its number) lies under another circle (%s do)" % hidden)
        first = b.eval("document.querySelector('#map .topic.sel').dataset.topic")

        # click a topic whose centre is not covered by another circle
        hit = b.eval("""(() => {
          for (const g of document.querySelectorAll('#map .topic:not(.sel)')) {
            const r = g.querySelector('circle').getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            const at = document.elementFromPoint(x, y);
            if (at && at.closest('.topic') === g) return [+g.dataset.topic, x, y];
          }
          return null; })()""")
        check(hit is not None, "some topic's circle can be clicked")
        if hit:
            t, x, y = hit
            b.eval("window.scrollTo(0, 0)")
            b.click(x, y)
            sel = b.eval("+document.querySelector('#map .topic.sel').dataset.topic")
            check(sel == t, "clicking topic %d selects it (selected %s, was %s)" % (t, sel, first))
            head = b.eval("document.getElementById('words-h').textContent")
            check(head.startswith("Topic %d " % t), "the words heading names the topic: %s" % head)
            lam = float(b.eval("document.getElementById('lambda').value"))
            words = shown_words(b)
            check(len(words) == min(30, len(data["topics"][t]["cand"]) // 2),
                  "the topic's words are shown (%d)" % len(words))
            check(words == expected_order(data, t, lam),
                  "they are the top words by relevance at lambda %.2f" % lam)
            # the slider, moved with the keyboard
            b.eval("document.getElementById('lambda').focus()")
            b.key("Home", "Home", 36)
            lam0 = float(b.eval("document.getElementById('lambda').value"))
            words0 = shown_words(b)
            check(lam0 == 0.0, "Home moves lambda to 0 (%s)" % lam0)
            check(words0 != words, "moving lambda changes the words' order")
            check(words0 == expected_order(data, t, 0.0), "at lambda 0 the order is by lift")
            out = b.eval("document.getElementById('lambda-out').textContent")
            check(out == "0.00", "the lambda readout follows the slider (%s)" % out)
            b.key("End", "End", 35)
            check(shown_words(b) == expected_order(data, t, 1.0), "at lambda 1 the order is by probability")

        # the keyboard: focus another topic and press Enter
        other = (int(first) + 1) % args.k
        b.eval("document.querySelector('#map .topic[data-topic=\"%d\"]').focus()" % other)
        focused = b.eval("document.activeElement.dataset.topic")
        check(focused == str(other), "a topic can take the keyboard focus")
        b.key("Enter", "Enter", 13, "\r")
        sel = b.eval("+document.querySelector('#map .topic.sel').dataset.topic")
        check(sel == other, "Enter selects the focused topic")
        talks = b.eval("document.querySelectorAll('#talk-list li').length")
        check(talks > 0, "the topic's representative talks are listed (%d)" % talks)

        # search, typed
        b.eval("document.getElementById('q').focus()")
        b.call("Input.insertText", {"text": "docker"})
        time.sleep(0.4)  # the search waits for typing to pause
        titles = b.eval("[...document.querySelectorAll('#talk-list li')].map(li => li.textContent.toLowerCase())")
        want = sum(1 for d in data["docs"] if "docker" in (d[0] + "\n" + "\n".join(d[3])).lower())
        check(len(titles) == min(want, 60) and want > 0 and all("docker" in s for s in titles),
              "searching 'docker' lists the %d talks that mention it in title or tags (%d)" % (want, len(titles)))
        b.eval("document.querySelector('#talk-list button').click()")
        view = b.eval("document.querySelector('#talk-view h3') && document.querySelector('#talk-view h3').textContent")
        check(bool(view), "a talk's view opens: %s" % view)
        first_hit = next(d for d in data["docs"] if "docker" in (d[0] + "\n" + "\n".join(d[3])).lower())
        where = b.eval("document.querySelector('#talk-view .hint').textContent")
        check(view == first_hit[0] and where.startswith(first_hit[1] + " "),
              "the view names the talk and its id (%s)" % where)
        mix = b.eval("document.querySelectorAll('#talk-view .mix span').length")
        check(mix > 0, "it shows the talk's topic mix (%d parts)" % mix)

        # no request but the file itself, no script error, no CSP report
        urls = [e["params"]["request"]["url"] for e in b.events if e["method"] == "Network.requestWillBeSent"]
        foreign = [u for u in urls if u != url and not u.startswith("data:")]
        check(not foreign, "the page made no other request (%s)" % (foreign[:3] or "none"))
        errors = [e["params"]["entry"]["text"] for e in b.events
                  if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
        errors += [e["params"]["exceptionDetails"]["text"] for e in b.events
                   if e["method"] == "Runtime.exceptionThrown"]
        check(not errors, "no script error or CSP violation (%s)" % (errors[:3] or "none"))

        b.eval("document.getElementById('q').value = ''; document.getElementById('q').dispatchEvent(new Event('input'))")
        time.sleep(0.3)
        shot = os.path.join(args.out, "report-screenshot.png")
        b.eval("window.scrollTo(0, 0)")
        b.screenshot(shot)
        print("screenshot:", shot)
        if args.readme_shot:
            b.screenshot(args.readme_shot, full=False, clip={"x": 0, "y": 0, "width": 1280, "height": 760})
            print("screenshot:", args.readme_shot)
    finally:
        b.close()
    print("%d passed, %d failed" % (passes, failures))
    return 1 if failures else 0


def run_measure(args):
    exe = find_chromium()
    if not exe:
        print("chromium is not installed")
        return SKIP
    url = "file://" + os.path.abspath(args.report)
    times = []
    for _ in range(args.measure):
        b = Browser(exe)
        try:
            times.append(b.load(url))
            n = b.eval("document.querySelectorAll('#map .topic circle').length")
        finally:
            b.close()
        print("load event after %.0f ms (%d circles)" % (times[-1], n))
    print("median %.0f ms over %d runs, %d bytes" % (statistics.median(times), len(times),
                                                   os.path.getsize(args.report)))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--topics")
    ap.add_argument("--corpus")
    ap.add_argument("--out")
    ap.add_argument("-k", type=int, default=10)
    ap.add_argument("--readme-shot")
    ap.add_argument("--report")
    ap.add_argument("--measure", type=int, default=0)
    args = ap.parse_args()
    if args.measure:
        return run_measure(args)
    if not (args.topics and args.corpus and args.out):
        ap.error("--topics, --corpus and --out are needed")
    return run_test(args)


if __name__ == "__main__":
    sys.exit(main())
