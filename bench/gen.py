#!/usr/bin/env python3
"""Generate a synthetic defence-news site twice: in sitrep's format and as a Hugo site.

    python3 bench/gen.py --articles N --comments-per-article 12 --out DIR

writes DIR/sitrep/ (site.toml, content/articles, content/authors, content/comments) and
DIR/hugo/ (config.toml, content/posts, data/authors, data/comments) holding the same articles,
authors, tags, categories and comments. Output is deterministic for given arguments (--seed).
Standard library only; written for speed (10,000 articles = ~130,000 files in a few seconds).
"""

import argparse
import json
import os
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone

# --------------------------------------------------------------------------- vocabulary

FIRST = """Maren Tomas Ines Alistair Priya Jonas Keira Dmitri Sofia Hamish Leila Anders Nadia
Callum Yusuf Freya Mateo Ingrid Rafael Aoife Kenji Olga Benedikt Amara Piotr Selin Rowan Tariq
Elin Marcus Zofia Declan Hana Lukas Noor Fergus Katya Emeka Astrid Ruairi""".split()
LAST = """Holt Okafor Varga Mackenzie Raman Lindqvist Doyle Volkov Ferreira Grant Haddad Berg
Karimi Fraser Demir Sorensen Alvarez Nakamura Kowalski Byrne Novak Mensah Ivanova Quinn Castell
Rahman Whitlock Osei Brennan Laine Petrov Dunmore Achterberg Sato Moreau Kaur Tennant Oyelaran""".split()
ROLES = ["Defence correspondent", "Naval editor", "Air power analyst", "Land warfare reporter",
         "Procurement editor", "Security correspondent", "Cyber and space reporter",
         "Contributing editor", "Deputy editor", "Industry reporter", "Data journalist"]

CATEGORIES = ["News", "Analysis", "Opinion", "Land", "Sea", "Air", "Cyber", "Industry"]

TAG_TOPICS = ["NATO", "Navy", "Army", "Air Force", "Procurement", "Submarines", "Frigates",
              "Destroyers", "Tanks", "Artillery", "Drones", "Missile defence", "Cyber", "Space",
              "Logistics", "Training", "Budget", "Nuclear deterrence", "Reserves", "Recruitment",
              "Shipbuilding", "Helicopters", "Fighter jets", "Air defence", "Electronic warfare",
              "Special forces", "Intelligence", "Sanctions", "Exports", "Arms control", "Baltic",
              "Arctic", "Indo-Pacific", "Black Sea", "Mediterranean", "Sahel", "Middle East",
              "Ukraine", "Taiwan Strait", "Korean Peninsula"]
TAG_QUALIFIERS = ["", "policy", "industry", "budget", "readiness"]

SUBJECTS = ["The ministry", "The programme office", "The prime contractor", "The navy",
            "The army", "The air force", "The defence committee", "A senior officer",
            "The audit office", "The joint command", "The alliance", "The shipyard",
            "The treasury", "The minister", "An industry source", "The chief of staff",
            "The procurement agency", "The regiment", "The task group", "Analysts"]
VERBS = ["confirmed", "warned", "announced", "argued", "acknowledged", "estimated",
         "revealed", "insisted", "suggested", "reported", "denied", "signalled", "noted"]
OBJECTS = ["the lead ship would be delayed by a further year",
           "the second batch of frigates would cost more than planned",
           "the upgrade would enter service before the end of the decade",
           "training hours had fallen for the third year running",
           "the missile stockpile was lower than officials had admitted",
           "the contract included an option for twelve more airframes",
           "the brigade would be ready to deploy within ninety days",
           "spare parts remained the main constraint on availability",
           "the radar had passed its final acceptance trials",
           "recruitment targets had again been missed",
           "the exercise had exposed gaps in air defence",
           "the budget line for munitions would double next year",
           "the submarine fleet was operating at full stretch",
           "the new drones would be fielded at battalion level",
           "the software problems had largely been fixed",
           "the programme had been restructured to protect the schedule",
           "allies would share the cost of the new depot",
           "the satellite constellation would be expanded",
           "maintenance backlogs were shrinking slowly",
           "the export licence had been approved after a long review"]
CLAUSES = ["according to documents seen by this publication",
           "despite earlier assurances to parliament",
           "in a briefing to reporters on Tuesday",
           "after months of negotiation with the supplier",
           "as pressure grows on the equipment budget",
           "although the figures have not been published",
           "in evidence to the defence committee",
           "while the review is still under way",
           "in a statement released late on Friday",
           "citing the lessons of recent conflicts"]
OPENERS = ["", "", "", "However, ", "Meanwhile, ", "In private, ", "For now, ", "Crucially, ",
           "By contrast, ", "Even so, ", "At the same time, ", "In practice, "]
HEAD_NOUNS = ["programme", "budget", "contract", "upgrade", "deployment", "review", "fleet",
              "order", "exercise", "strategy", "plan", "test"]
HEAD_VERBS = ["slips again", "faces fresh delays", "wins parliamentary backing", "costs climb",
              "cut in spending review", "passes key trials", "comes under scrutiny", "doubled",
              "put on hold", "expands", "hit by shortages", "gets green light"]
HEAD_TAILS = ["", "", "", "", ", officials say", ", audit finds", " as allies watch",
              " amid crewing gaps", " after election", ", documents show", " despite warnings"]
HEADINGS = ["Costs and schedule", "What the crews say", "The industrial picture",
            "Lessons from the exercise", "What comes next", "The budget question",
            "Allies and partners", "A capability gap", "Readiness in numbers",
            "The view from parliament", "Risks to the programme", "Background"]
LIST_ITEMS = ["twelve airframes on order, four delivered", "a mid-life upgrade for the radar",
              "two additional crews by next spring", "new munitions storage at the main base",
              "a simulator centre shared with allies", "spares funded for five years",
              "an independent cost review", "a second production line",
              "joint training with the marines", "improved secure communications"]
READERS = ["Ex-RN Stoker", "Old Sapper", "Tom & Jerry", "Anna O'Brien", "J. Smith",
           "Armchair Admiral", "<script>alert(1)</script>", "Quiet Observer", "Gunner63",
           "Maritime Matters", "Frau Müller", "Retired REME", "Dave \"the wave\"", "Skeptic",
           "Baltic Watcher", "Logistician", "Pilot in training", "Taxpayer", "Ex-Para", "Kiwi"]
COMMENT_SENTENCES = ["Spot on.", "I served on the previous class and this rings true.",
                     "Where is the money coming from?", "This was obvious years ago.",
                     "The *real* problem is crewing, not hulls.",
                     "Has anyone costed the through-life support?",
                     "See the committee report: <https://example.org/report>.",
                     "Good piece, but the numbers in the second table look off.",
                     "We keep buying exquisite kit in tiny numbers.",
                     "Same story with the last programme, **nothing learnt**.",
                     "Interesting that the supplier has gone quiet.",
                     "Respectfully disagree: the schedule was never realistic.",
                     "Any word on the export version?", "<b>bold</b> claims need evidence.",
                     "Readiness is what matters, not headline numbers."]


def sentence(rng):
    opener, subject = rng.choice(OPENERS), rng.choice(SUBJECTS)
    if opener:
        subject = subject[0].lower() + subject[1:]
    s = f"{opener}{subject} {rng.choice(VERBS)} that {rng.choice(OBJECTS)}"
    if rng.random() < 0.5:
        s += f", {rng.choice(CLAUSES)}"
    return s + "."


def make_sentence_pool(rng, n=6000):
    return [sentence(rng) for _ in range(n)]


def body(rng, pool, target_words):
    """A Markdown body of roughly target_words words: paragraphs, two or three ## headings,
    a bulleted list, the odd emphasis and link."""
    out = []
    words = 0
    headings = rng.sample(HEADINGS, 3)
    n_head = rng.choice((2, 3))
    head_at = sorted(rng.sample(range(2, 9), n_head))
    list_at = rng.randrange(2, 8)
    para_no = 0
    while words < target_words:
        para_no += 1
        if head_at and para_no == head_at[0]:
            head_at.pop(0)
            out.append("## " + headings.pop())
        if para_no == list_at:
            items = rng.sample(LIST_ITEMS, rng.randrange(3, 6))
            out.append("\n".join("- " + i for i in items))
            words += sum(len(i.split()) for i in items)
        sents = [rng.choice(pool) for _ in range(rng.randrange(3, 6))]
        if rng.random() < 0.3:
            k = rng.randrange(len(sents))
            first, _, rest = sents[k].partition(" ")
            sents[k] = f"*{first}* {rest}"
        if rng.random() < 0.2:
            sents.append("The [full report](https://example.org/reports/%d) is online." % rng.randrange(1000))
        p = " ".join(sents)
        words += p.count(" ") + 1
        out.append(p)
    return "\n\n".join(out) + "\n"


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def toml_list(xs):
    return "[" + ", ".join(toml_str(x) for x in xs) + "]"


def slugify(s):
    out, dash = [], False
    for ch in s.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


# --------------------------------------------------------------------------- model

def build_model(n_articles, n_comments, seed):
    rng = random.Random(seed)
    pool = make_sentence_pool(rng)

    n_authors = max(10, n_articles // 500 + 5)
    authors = []
    used = set()
    for i in range(n_authors):
        while True:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            aid = slugify(f"{first} {last}")
            if aid not in used:
                used.add(aid)
                break
        bio = (f"{first} covers {rng.choice(TAG_TOPICS).lower()} and "
               f"{rng.choice(TAG_TOPICS).lower()}. Before joining she spent *{rng.randrange(3, 15)} years* "
               f"at a regional daily. {rng.choice(pool)}")
        authors.append({"id": aid, "name": f"{first} {last}", "role": rng.choice(ROLES),
                        "bio": bio, "twitter": aid.replace("-", "_")[:15]})

    tags = []
    for q in TAG_QUALIFIERS:
        for t in TAG_TOPICS:
            tags.append(f"{t} {q}".strip())
    tags = tags[:200]

    now = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
    span = 8 * 365 * 86400  # eight years of archive
    articles = []
    slugs = set()
    for i in range(n_articles):
        title = (f"{rng.choice(TAG_TOPICS)} {rng.choice(HEAD_NOUNS)} {rng.choice(HEAD_VERBS)}"
                 f"{rng.choice(HEAD_TAILS)}")
        slug = slugify(title)[:60].strip("-")
        base, k = slug, 2
        while slug in slugs:
            slug = f"{base}-{k}"
            k += 1
        slugs.add(slug)
        date = now - timedelta(seconds=int(span * (i + rng.random()) / n_articles))
        if rng.random() < 0.15:
            byline = [a["id"] for a in rng.sample(authors, 2)]
        else:
            byline = [rng.choice(authors)["id"]]
        art = {
            "slug": slug,
            "title": title,
            "date": date,
            "authors": byline,
            "tags": rng.sample(tags, rng.choice((3, 4))),
            "category": rng.choice(CATEGORIES),
            "summary": rng.choice(pool),
            "body": body(rng, pool, rng.randrange(600, 901)),
            "comments": [],
        }
        # Comments: threads up to five deep (depth 1 = top level).
        depth = {}
        t = date + timedelta(minutes=rng.randrange(5, 90))
        for c in range(1, n_comments + 1):
            cid = f"c{c}"
            parent = ""
            if c > 1 and rng.random() < 0.7:
                # Prefer the latest comment, which builds deep chains; never deeper than 5.
                cands = [p for p in depth if depth[p] < 5]
                if cands:
                    parent = cands[-1] if rng.random() < 0.6 else rng.choice(cands)
            depth[cid] = depth[parent] + 1 if parent else 1
            t += timedelta(minutes=rng.randrange(1, 240))
            text = " ".join(rng.choice(COMMENT_SENTENCES) for _ in range(rng.randrange(1, 4)))
            if rng.random() < 0.3:
                text += "\n\n" + " ".join(rng.choice(COMMENT_SENTENCES) for _ in range(2))
            art["comments"].append({"id": cid, "parent": parent, "author": rng.choice(READERS),
                                    "date": t, "body": text + "\n"})
        articles.append(art)
    return {"authors": authors, "articles": articles}


def iso(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- writers

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC


def write(path, text):
    fd = os.open(path, _FLAGS, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def write_sitrep(model, root):
    os.makedirs(f"{root}/content/articles")
    os.makedirs(f"{root}/content/authors")
    os.makedirs(f"{root}/content/comments")
    write(f"{root}/site.toml",
          'title = "Bench Defence Journal"\n'
          'description = "A synthetic site for benchmarking"\n'
          'base_url = "https://bench.example/"\n'
          'language = "en-GB"\n'
          'per_page = 10\n'
          '\n[comments]\nmax_depth = 5\n')
    for a in model["authors"]:
        write(f"{root}/content/authors/{a['id']}.toml",
              f"name = {toml_str(a['name'])}\nrole = {toml_str(a['role'])}\n"
              f"bio = {toml_str(a['bio'])}\ntwitter = {toml_str(a['twitter'])}\n")
    for art in model["articles"]:
        if len(art["authors"]) == 1:
            by = f"author = {toml_str(art['authors'][0])}\n"
        else:
            by = f"authors = {toml_list(art['authors'])}\n"
        write(f"{root}/content/articles/{art['slug']}.md",
              f"+++\ntitle = {toml_str(art['title'])}\ndate = {iso(art['date'])}\n{by}"
              f"summary = {toml_str(art['summary'])}\ntags = {toml_list(art['tags'])}\n"
              f"category = {toml_str(art['category'])}\n+++\n{art['body']}")
        if art["comments"]:
            cdir = f"{root}/content/comments/{art['slug']}"
            os.mkdir(cdir)
            for c in art["comments"]:
                parent = f"parent = {toml_str(c['parent'])}\n" if c["parent"] else ""
                write(f"{cdir}/{c['id']}.md",
                      f"+++\nauthor = {toml_str(c['author'])}\ndate = {iso(c['date'])}\n{parent}"
                      f"+++\n{c['body']}")


def write_hugo(model, root, theme_src):
    os.makedirs(f"{root}/content/posts")
    os.makedirs(f"{root}/data/authors")
    os.makedirs(f"{root}/data/comments")
    write(f"{root}/config.toml",
          'baseURL = "https://bench.example/"\n'
          'languageCode = "en-gb"\n'
          'title = "Bench Defence Journal"\n'
          'theme = "bench"\n'
          'themesDir = "themes"\n'
          'paginate = 10\n'
          'disableKinds = ["robotsTXT", "section"]\n'
          'disableAliases = true\n'
          'enableGitInfo = false\n'
          '\n[taxonomies]\nauthor = "authors"\ntag = "tags"\ncategory = "categories"\n'
          '\n[permalinks]\nposts = "/:filename/"\nauthors = "/author/:slug/"\n'
          'tags = "/tag/:slug/"\ncategories = "/category/:slug/"\n'
          '\n[services.rss]\nlimit = 20\n'
          '\n[related]\nincludeNewer = true\nthreshold = 1\ntoLower = false\n'
          '[[related.indices]]\nname = "tags"\nweight = 100\n'
          '[[related.indices]]\nname = "categories"\nweight = 10\n'
          '\n[params.comments]\nmax_depth = 5\n')
    if theme_src:
        dst = f"{root}/themes/bench"
        shutil.copytree(theme_src, dst)
    for a in model["authors"]:
        write(f"{root}/data/authors/{a['id']}.toml",
              f"name = {toml_str(a['name'])}\nrole = {toml_str(a['role'])}\n"
              f"bio = {toml_str(a['bio'])}\ntwitter = {toml_str(a['twitter'])}\n")
    for art in model["articles"]:
        write(f"{root}/content/posts/{art['slug']}.md",
              f"+++\ntitle = {toml_str(art['title'])}\ndate = {iso(art['date'])}\n"
              f"authors = {toml_list(art['authors'])}\n"
              f"summary = {toml_str(art['summary'])}\ntags = {toml_list(art['tags'])}\n"
              f"categories = {toml_list([art['category']])}\n+++\n{art['body']}")
        if art["comments"]:
            data = {"comments": [{"id": c["id"], "parent": c["parent"], "author": c["author"],
                                  "date": iso(c["date"]), "body": c["body"]}
                                 for c in art["comments"]]}
            write(f"{root}/data/comments/{art['slug']}.json",
                  json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--comments-per-article", type=int, default=12)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--hugo-theme", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "hugo"),
                    help="theme folder copied into DIR/hugo/themes/bench ('' for none)")
    args = ap.parse_args()

    out = os.path.abspath(args.out)
    for sub in ("sitrep", "hugo"):
        if os.path.exists(f"{out}/{sub}"):
            shutil.rmtree(f"{out}/{sub}")
    os.makedirs(out, exist_ok=True)
    model = build_model(args.articles, args.comments_per_article, args.seed)
    theme = args.hugo_theme if args.hugo_theme and os.path.isdir(args.hugo_theme) else None
    # The two sites are independent: write them from two processes (the file system is the cost).
    pid = os.fork()
    if pid == 0:
        try:
            write_hugo(model, f"{out}/hugo", theme)
        except BaseException:
            import traceback
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    write_sitrep(model, f"{out}/sitrep")
    _, status = os.waitpid(pid, 0)
    if status != 0:
        sys.exit("writing the Hugo site failed")
    n_comments = sum(len(a["comments"]) for a in model["articles"])
    print(f"generated {len(model['articles'])} articles, {len(model['authors'])} authors, "
          f"{n_comments} comments into {out}/sitrep and {out}/hugo", file=sys.stderr)


if __name__ == "__main__":
    main()
