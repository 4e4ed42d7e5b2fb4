#!/usr/bin/env python3
"""Held-out recall: a labelled set of credential lines that does not come from agentgate's pack.

    recall.py generate KINGFISHER_RULES.json SET_DIR LABELS.json   build the set (SET_DIR/pos, /neg)
    recall.py score LABELS.json MISSES.json NAME=REPORT.json ...    recall and false positives per tool
    recall.py misses LABELS.json AGENTGATE.json PACK.yaml SET_DIR   agentgate's misses, grouped

Where the formats come from (read at run time from the installed peers, nothing is copied into
this repository):
  - Kingfisher's rule list (`kingfisher rules list --format json`): the Betterleaks rules (a
    gitleaks-derived set) and the Veles rules (Google's OSV-SCALIBR detectors) it ships;
  - detect-secrets' plugin regexes (`detect_secrets.plugins.*` denylists).
Each positive is a random string generated from one of those regexes (verified to match it),
one file per example. Each negative is the same line with every captured value replaced: once
by a variable reference (`${NAME}`) and once by the rule's literal prefix padded with `x` (what
a redacted or documentation value looks like). The generator is seeded, so a run is repeatable.
"""

import json
import os
import random
import re
import string
import sys

try:  # Python 3.11+
    import re._parser as sre_parse
    import re._constants as sre_c
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore
    import sre_constants as sre_c  # type: ignore

PER_RULE = 3
SAFE = string.ascii_letters + string.digits
PRINTABLE = string.ascii_letters + string.digits + "_-.+/=:@"


def to_python(pattern):
    """Rust/Go regex syntax to Python's, for generation and checking only. A pattern the
    generator cannot read is skipped (and counted)."""
    p = pattern
    posix = {
        "[:alnum:]": "a-zA-Z0-9",
        "[:alpha:]": "a-zA-Z",
        "[:digit:]": "0-9",
        "[:upper:]": "A-Z",
        "[:lower:]": "a-z",
        "[:xdigit:]": "0-9a-fA-F",
        "[:space:]": " ",
        "[:punct:]": "!-/",
    }
    for k, v in posix.items():
        p = p.replace(k, v)
    p = p.replace(r"\z", r"\Z")
    # A flag group in the middle of a pattern: dropped. Case-insensitivity only widens a
    # match, so a string that matches the stricter pattern matches the original too.
    head = re.match(r"^\(\?[a-z]+\)", p)
    rest = p[head.end():] if head else p
    rest = re.sub(r"\(\?[imsxU]+\)", "", rest)
    return (head.group(0) if head else "") + rest


class Gen:
    def __init__(self, rng):
        self.rng = rng

    def chars_in(self, items, ignorecase):
        allowed, negate = set(), False
        for op, av in items:
            if op is sre_c.NEGATE:
                negate = True
            elif op is sre_c.LITERAL:
                allowed.add(chr(av))
            elif op is sre_c.RANGE:
                lo, hi = av
                allowed.update(chr(c) for c in range(lo, min(hi, 126) + 1) if c >= 32)
            elif op is sre_c.CATEGORY:
                allowed.update(self.category(av))
        if negate:
            allowed = set(PRINTABLE) - allowed
        # Under (?i) a class is generated as written: a key is lower-case hex or upper-case,
        # not a mix of both, whatever a case-insensitive pattern would also accept.
        allowed = {c for c in allowed if c.isprintable() and c not in "\n\r\t\x0b\x0c"}
        return sorted(allowed)

    @staticmethod
    def category(cat):
        name = str(cat)
        if "NOT_DIGIT" in name:
            return set(string.ascii_letters)
        if "DIGIT" in name:
            return set(string.digits)
        if "NOT_WORD" in name:
            return {" ", "-", ".", "/", ":"}
        if "WORD" in name:
            return set(SAFE + "_")
        if "NOT_SPACE" in name:
            return set(SAFE)
        if "SPACE" in name:
            return {" "}
        return set(SAFE)

    def separator(self, sub, ic):
        if len(sub) != 1 or sub[0][0] is not sre_c.IN:
            return False
        cs = set(self.chars_in(sub[0][1], ic))
        return bool(cs) and cs <= set(" \"'`=;")

    def count(self, lo, hi):
        if hi == sre_c.MAXREPEAT:
            hi = lo + 8
        if lo == 0:
            hi = min(hi, 2)  # optional context (separators, name prefixes): keep it short
        return self.rng.randint(lo, min(hi, lo + 12))

    def emit(self, tree, flags, groups):
        out = []
        for op, av in tree:
            ic = bool(flags & re.IGNORECASE)
            if op is sre_c.LITERAL:
                c = chr(av)
                out.append(c)
            elif op is sre_c.NOT_LITERAL:
                out.append(self.rng.choice([c for c in SAFE if ord(c) != av]))
            elif op is sre_c.ANY:
                out.append(self.rng.choice(SAFE))
            elif op is sre_c.IN:
                cs = self.chars_in(av, ic)
                if not cs:
                    raise ValueError("empty class")
                out.append(self.rng.choice(cs))
            elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
                lo, hi, sub = av
                if self.separator(sub, ic):
                    # Quotes and blanks around an assignment: one space at most, as code has.
                    out.append(" " * max(lo, self.rng.randint(0, 1) if hi else 0))
                    continue
                for _ in range(self.count(lo, hi)):
                    out.append(self.emit(sub, flags, groups))
            elif op is sre_c.SUBPATTERN:
                gid, add, rm, sub = av
                text = self.emit(sub, (flags | add) & ~rm, groups)
                if gid is not None:
                    groups[gid] = text
                out.append(text)
            elif op is sre_c.BRANCH:
                alts = av[1]
                ops = [alt[0][1] for alt in alts if len(alt) == 1 and alt[0][0] is sre_c.LITERAL]
                short = all(len(alt) <= 3 for alt in alts)
                if short and ord("=") in ops:
                    # An assignment operator: `=` or `:`, not `||`, `?=`, `>` or `,`.
                    out.append(self.rng.choice([chr(o) for o in ops if chr(o) in "=:"]))
                else:
                    out.append(self.emit(self.rng.choice(alts), flags, groups))
            elif op is sre_c.GROUPREF:
                out.append(groups.get(av, ""))
            elif op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
                pass  # anchors and lookarounds: the final check decides
            elif op is sre_c.CATEGORY:
                out.append(self.rng.choice(sorted(self.category(av))))
            else:
                raise ValueError(f"unsupported {op}")
        return "".join(out)


def value_spans(m):
    """The spans of a match's captured values: the outermost non-empty groups (a peer's
    pattern may capture a host and a secret, or a user and a password), else the match."""
    spans = []
    for i in range(1, (m.lastindex or 0) + 1):
        a, b = m.span(i)
        if b > a and not any(x <= a and b <= y for x, y in spans):
            spans = [(x, y) for x, y in spans if not (a <= x and y <= b)] + [(a, b)]
    return sorted(spans) or [m.span()]


def examples_for(pattern, rng, n):
    """Up to n strings matching `pattern`, each with the spans of its captured values."""
    py = to_python(pattern)
    rx = re.compile(py)
    tree = sre_parse.parse(py)
    gen = Gen(rng)
    got, seen = [], set()
    for _ in range(40 * n):
        if len(got) == n:
            break
        try:
            s = gen.emit(tree, tree.state.flags, {})
        except (ValueError, RecursionError):
            return []
        if not s or any(c in s for c in "\n\r\t") or s in seen:
            continue
        m = rx.search(s)
        if not m:
            continue
        spans = value_spans(m)
        if max(b - a for a, b in spans) < 8:
            continue
        # Drop what the pattern allows after the values (a quote, `;`, a literal `\n`) when the
        # pattern still matches the same values without it: the line then ends with a value.
        end = max(b for _, b in spans)
        m2 = rx.search(s[:end])
        if m2 and value_spans(m2) == spans:
            s = s[:end]
        seen.add(s)
        got.append((s, spans))
    return got


# Peer rules for values that are identifiers, not credentials (client and account ids, host
# names, URLs and user names that only complete a composite rule, public keys, IP addresses).
NOT_A_SECRET = re.compile(
    r"(client-id|application-id|app-id|account-id|tenant-id|account-name|cloud-name|domain"
    r"|username|-host|instance-url|project-url|rest-url|jfrog-url|address|public-key"
    r"|token-name|user-api-id|access-id|auth-id|token-id|service-account-id|planetscale-id"
    r"|public-ip|private-key)(\.[0-9]+)?(-[0-9]+)?$"
)


def peer_patterns(kingfisher_rules):
    rules = json.load(open(kingfisher_rules))
    for r in rules:
        if r.get("pattern") and r.get("id"):
            src = r["id"].split(".", 1)[0]  # betterleaks / veles
            yield src, r["id"].split(".", 1)[-1], r["pattern"]
    try:
        import detect_secrets.plugins as dsp  # noqa: F401
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    except ImportError:
        return
    for secret_type, cls in sorted(get_mapping_from_secret_type_to_class().items()):
        for i, rx in enumerate(getattr(cls, "denylist", ()) or ()):
            name = re.sub(r"[^a-z0-9]+", "-", secret_type.lower()).strip("-")
            yield "detect-secrets", f"{name}-{i}", rx.pattern


def common_prefix(strings):
    p = os.path.commonprefix(strings)
    return p if all(len(s) - len(p) >= 8 for s in strings) else ""


def generate(kf, out, labels_path):
    rng = random.Random(17)
    for d in ("pos", "neg"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    labels, skipped, n = [], [], 0
    excluded = []
    for src, rid, pattern in peer_patterns(kf):
        if NOT_A_SECRET.search(rid):
            excluded.append(f"{src}.{rid}")
            continue
        try:
            ex = examples_for(pattern, rng, PER_RULE)
        except (re.error, ValueError, OverflowError):
            ex = []
        if not ex:
            skipped.append(f"{src}.{rid}")
            continue
        # Per captured value, the literal prefix the rule's examples share (`ghp_`, `xoxb-`):
        # a redacted value keeps it, as documentation values do.
        width = min(len(sp) for _, sp in ex)
        prefixes = [
            common_prefix([s[sp[k][0] : sp[k][1]] for s, sp in ex]) if len(ex) > 1 else ""
            for k in range(width)
        ]
        var = re.sub(r"[^A-Z0-9]+", "_", rid.upper()).strip("_")
        for s, spans in ex:
            first = spans[0][0]
            line = s if re.search(r"[:=]", s[:first]) else f'value = "{s}"'
            off = line.index(s)
            n += 1
            name = f"{n:05d}.txt"
            open(os.path.join(out, "pos", name), "w").write(line + "\n")
            labels.append({"file": f"pos/{name}", "label": 1, "source": src, "rule": rid})
            for kind in ("variable", "redacted"):
                # Every captured value replaced, right to left so the spans stay valid.
                neg = line
                for k in reversed(range(len(spans))):
                    a, b = spans[k][0] + off, spans[k][1] + off
                    pre = prefixes[k] if k < width else ""
                    fill = "${" + var + "}" if kind == "variable" else pre + "x" * (b - a - len(pre))
                    neg = neg[:a] + fill + neg[b:]
                nname = f"{n:05d}-{kind}.txt"
                open(os.path.join(out, "neg", nname), "w").write(neg + "\n")
                labels.append(
                    {"file": f"neg/{nname}", "label": 0, "source": src, "rule": rid, "kind": kind}
                )
    json.dump({"examples": labels, "skipped_rules": skipped, "not_secrets": excluded}, open(labels_path, "w"), indent=1)
    pos = sum(1 for x in labels if x["label"])
    print(
        f"{pos} positives, {len(labels) - pos} negatives; peer rules: {len(skipped)} not generated,"
        f" {len(excluded)} identifiers (not secrets) left out"
    )


def reported_files(report):
    """Relative paths (pos/…, neg/…) with at least one finding, from any of the four tools'
    JSON (agentgate diagnostics, gitleaks list, Kingfisher envelope, detect-secrets results)."""
    text = open(report).read()
    try:
        data = json.loads(text) if text.strip() else []
    except json.JSONDecodeError:
        data = [json.loads(l) for l in text.splitlines() if l.strip().startswith("{")]
    found = set()

    def add(p):
        m = re.search(r"(pos|neg)/[0-9]{5}[^/\s\"]*\.txt", p or "")
        if m:
            found.add(m.group(0))

    def walk(d):
        if isinstance(d, dict):
            if "diagnostics" in d:  # agentgate
                for x in d["diagnostics"]:
                    if x.get("family") == "secrets":
                        add(x.get("path"))
                return
            if "results" in d and isinstance(d["results"], dict):  # detect-secrets
                for f, items in d["results"].items():
                    if items:
                        add(f)
                return
            for k in ("findings", "matches"):  # kingfisher
                if k in d:
                    walk(d[k])
                    return
            for k in ("File", "path", "file"):  # one gitleaks / kingfisher finding
                if isinstance(d.get(k), str):
                    add(d[k])
                    return
            for v in d.values():
                walk(v)
        elif isinstance(d, list):
            for x in d:
                walk(x)

    walk(data)
    return found


def score(labels_path, misses_path, reports):
    labels = json.load(open(labels_path))["examples"]
    sources = sorted({x["source"] for x in labels})
    rows, misses = [], {}
    for spec in reports:
        name, path = spec.split("=", 1)
        hit = reported_files(path)
        pos = [x for x in labels if x["label"] == 1]
        neg = [x for x in labels if x["label"] == 0]
        tp = sum(1 for x in pos if x["file"] in hit)
        fp = sum(1 for x in neg if x["file"] in hit)
        per = {}
        for s in sources:
            ps = [x for x in pos if x["source"] == s]
            per[s] = (sum(1 for x in ps if x["file"] in hit), len(ps))
        kinds = {}
        for k in ("variable", "redacted"):
            nk = [x for x in neg if x.get("kind") == k]
            kinds[k] = (sum(1 for x in nk if x["file"] in hit), len(nk))
        rows.append((name, tp, len(pos), fp, len(neg), per, kinds))
        m = {}
        for x in pos:
            if x["file"] not in hit:
                m[x["rule"]] = m.get(x["rule"], 0) + 1
        misses[name] = m
    pct = lambda a, b: f"{100 * a / b:.1f} %" if b else "-"
    head = "| tool | recall (all) | " + " | ".join(f"recall: {s} formats" for s in sources)
    head += " | false positives (all) | FP: `${VAR}` | FP: redacted `xxxx` |"
    print(head)
    print("|---|" + "---:|" * (len(sources) + 4))
    for name, tp, np_, fp, nn, per, kinds in rows:
        cells = [f"{pct(tp, np_)} ({tp}/{np_})"]
        cells += [f"{pct(a, b)} ({a}/{b})" for a, b in (per[s] for s in sources)]
        cells += [f"{pct(fp, nn)} ({fp}/{nn})"]
        cells += [f"{pct(a, b)} ({a}/{b})" for a, b in (kinds["variable"], kinds["redacted"])]
        print(f"| {name} | " + " | ".join(cells) + " |")
    json.dump(misses, open(misses_path, "w"), indent=1, sort_keys=True)


def misses(labels_path, report, pack_yaml, set_dir):
    """agentgate's misses in two groups: no pack rule has a keyword in the line (a format the
    pack lacks), or one does but rejected the value (a stricter shape, a checksum, a case)."""
    import yaml  # detect-secrets depends on PyYAML, so the venv has it

    pack = yaml.safe_load(open(pack_yaml))
    kw = {}
    for r in pack["rules"]:
        if r["category"] != "generic":
            for k in r["keywords"]:
                kw.setdefault(k.lower(), r["id"])
    labels = json.load(open(labels_path))["examples"]
    hit = reported_files(report)
    absent, rejected = {}, {}
    for x in labels:
        if x["label"] != 1 or x["file"] in hit:
            continue
        line = open(os.path.join(set_dir, x["file"])).read().lower()
        own = sorted({rid for k, rid in kw.items() if k in line})
        key = f'{x["source"]}.{x["rule"]}'
        if own:
            rejected.setdefault(key, set()).update(own)
        else:
            absent[key] = absent.get(key, 0) + 1
    # Peer rules written as "provider name, then an assignment, then a value of some shape"
    # (gitleaks' template) against rules keyed on the value's own prefix or structure.
    patterns = {f"{src}.{rid}": p for src, rid, p in peer_patterns(os.path.join(os.path.dirname(labels_path), "kingfisher-rules.json"))}
    context = lambda key: "{0,3}(?:=|>|:{1,3}=" in patterns.get(key, "")
    pos = [x for x in labels if x["label"] == 1]
    for name, pick in (("provider name + assignment", True), ("prefixed or structured value", False)):
        xs = [x for x in pos if context(f'{x["source"]}.{x["rule"]}') == pick]
        got = sum(1 for x in xs if x["file"] in hit)
        print(f"{name} formats: {got}/{len(xs)} found")
    with_validator = {r["id"] for r in pack["rules"] if r.get("validator")}
    v = sum(1 for own in rejected.values() if own & with_validator)
    print(f"peer rules whose values a pack rule with a structural validator (checksum, base64, …) rejected: {v}")
    print(f"no pack rule for the format: {sum(absent.values())} examples of {len(absent)} peer rules")
    for k, n in sorted(absent.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n}  {k}")
    print(f"a pack rule's keyword is there, the value was not reported: {len(rejected)} peer rules")
    for k, own in sorted(rejected.items()):
        print(f"  {k}  (pack: {', '.join(own)})")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "generate":
        generate(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 5 and sys.argv[1] == "score":
        score(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) == 6 and sys.argv[1] == "misses":
        misses(*sys.argv[2:])
    else:
        sys.exit(__doc__)
