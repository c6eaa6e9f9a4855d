"""Summarisation: condense or digest a provided text (articles, transcripts, threads,
policies, stories), of any length, in any language. A pasted document with no
instruction at all is labelled summarise: a digest is what such requests want."""

from common import req, parts_req, text_part
from longdocs import document

SUMMARISER = "You are a summarisation engine. Reply with a concise summary of the user's text in at most five bullet points."

EMAIL_THREAD = """From: Priya
Subject: Re: Q3 offsite venue

Hi all, the lakeside hotel came back with a quote of 14,200 for two nights including meals. That's 1,800 over budget. The city venue is within budget but has no outdoor space.

From: Daniel
I'd push back on the hotel. Half of the team will need to travel two hours to get there, and last year the feedback was that the travel ate into the agenda.

From: Priya
Fair. The hotel offered to drop the price by 10% if we book before Friday.

From: Grace
If we take the city venue we could spend the difference on a team dinner somewhere nice. I'd vote city venue. Can we decide by Thursday so we don't lose either option?

From: Daniel
+1 to Grace. City venue plus dinner."""

REVIEWS = """Review 1 (5 stars): Battery lasts all week, the screen is bright even in sunlight. The strap irritated my skin at first.
Review 2 (2 stars): Sleep tracking is wildly inaccurate. It said I slept 9 hours when I was up with the baby half the night.
Review 3 (4 stars): Great value. Notifications sometimes arrive late. GPS takes a minute to lock.
Review 4 (3 stars): Does the basics, app is clunky and asks for too many permissions.
Review 5 (5 stars): Lightweight, waterproof, I swim with it daily. Heart rate matches my chest strap within 2 bpm."""

ARTICLE = """The city council voted on Tuesday to convert two lanes of Harbour Road into a protected bike lane and a bus lane, ending a two-year debate. Supporters said the change would cut commuting times for the 12,000 daily bus passengers on the route and make cycling safer after three serious accidents last year. Shop owners along the road argued that the loss of parking would hurt their business, and the council agreed to create 40 short-stay loading spaces on side streets. Construction starts in March and is expected to take five months, during which the road will remain open in both directions with reduced capacity. The council will publish traffic and footfall data six months after completion."""

ITEMS = [
    ("en", req("Summarize this article in three sentences:\n\n" + ARTICLE)),
    ("en", req("TL;DR please:\n\n" + EMAIL_THREAD)),
    ("en", req("Can you give me the key takeaways from these reviews? I'm deciding whether to buy the watch.\n\n" + REVIEWS)),
    ("en", req(ARTICLE, system=SUMMARISER)),
    ("en", req(EMAIL_THREAD, system=SUMMARISER)),
    ("en", req("Here are my meeting notes. Turn them into minutes with decisions and action items.\n\n" + document("meeting", 5, 1))),
    ("en", req("Summarise the following policy for a new employee in plain language:\n\n" + document("remote_work", 6, 2))),
    ("en", req("Condense this into one paragraph for a newsletter:\n\n" + document("heat_islands", 6, 4))),
    ("en", req("What are the main points of this text?\n\n" + document("printing_press", 6, 9))),
    ("en", req("Give me the gist of this story in two lines, no spoilers beyond the first half if possible.\n\n" + document("story", 5, 2))),
    ("en", req(document("heat_islands", 24, 7) + "\n\nPlease write an executive summary of the report above, max 200 words.")),
    ("en", req("Read the following long report and summarize each section in one bullet point.\n\n" + document("remote_work", 30, 8))),
    ("en", req(document("printing_press", 220, 12))),
    ("en", req("Summarize:\n\n" + document("story", 20, 14))),
    ("en", req("Write an abstract (150 words) for this draft paper:\n\n" + document("heat_islands", 12, 15))),
    ("en", req("Please boil this down to what I actually need to do:\n\n" + EMAIL_THREAD)),
    ("en", req("I missed the meeting. What happened? Just the short version.\n\n" + document("meeting", 5, 3))),
    ("en", req("Give me a one-sentence summary of this news piece.\n\n" + ARTICLE, model_ix=3)),
    ("en", req("Recap the conversation so far in a few bullet points so I can paste it into my notes.", history=[
        ("user", "I'm choosing between renting in the city centre and buying a house in the suburbs."),
        ("assistant", "Renting in the centre gives flexibility and a short commute; buying in the suburbs builds equity but adds commuting costs and maintenance."),
        ("user", "My job might move to another city in two years."),
        ("assistant", "Then renting is probably safer: selling within two years often costs more in fees than the equity you build."),
    ])),
    ("en", req("Can you shorten this text to about half its length while keeping all the facts?\n\n" + ARTICLE)),
    ("en", req("Highlights only, please:\n\n" + document("meeting", 10, 21))),
    ("en", req("Extract the key arguments from each side in this essay.\n\n" + document("printing_press", 8, 22))),
    ("en", req("Summarise the chapter below for my book club notes.\n\n" + document("story", 10, 23))),
    ("en", req("Create a brief summary of this transcript for people who couldn't attend:\n\n" + document("meeting", 15, 24), model_ix=4)),
    ("en", parts_req([text_part("Summarise the attached document in five bullet points."), {"type": "file", "file": {"filename": "annual_report.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK"}}])),
    ("en", req("tldr?\n\n" + document("heat_islands", 6, 25))),
    ("en", req(document("remote_work", 12, 26) + "\n\nWhat does this mean for me as someone who lives 120 km from the office? Keep it short.")),
    ("en", req("Summarize the key findings:\n\n" + document("heat_islands", 60, 27))),
    ("en", req("Outline the main events of this story in order.\n\n" + document("story", 5, 28))),
    ("en", req("Sum up the reviews: what do people like and dislike?\n\n" + REVIEWS)),
    ("zh", req("请总结以下文章的主要内容，不超过100字：\n\n" + document("zh_transport", 5, 1))),
    ("zh", req("帮我概括一下这段话的要点：\n\n" + document("zh_transport", 5, 2))),
    ("zh", req(document("zh_transport", 15, 3) + "\n\n以上内容太长了，请用三句话摘要。")),
    ("zh", req("请为下面的报告写一个摘要：\n\n" + document("zh_transport", 25, 4))),
    ("zh", req("简单总结一下这封邮件在讲什么：\n\n" + EMAIL_THREAD)),
    ("ja", req("次の文章を要約してください。\n\n" + document("ja_sleep", 4, 1))),
    ("ja", req(document("ja_sleep", 12, 2) + "\n\n上の記事を三行でまとめてください。")),
    ("ja", req("この記事の要点を箇条書きで教えて。\n\n" + document("ja_sleep", 4, 3))),
    ("ko", req("다음 글을 세 문장으로 요약해 주세요.\n\n" + ARTICLE)),
    ("ko", req("이 회의록의 핵심 내용을 정리해 줘.\n\n" + document("meeting", 5, 4))),
    ("es", req("Resume el siguiente texto en cinco puntos:\n\n" + document("remote_work", 6, 5))),
    ("es", req("Hazme un resumen breve de este artículo:\n\n" + ARTICLE)),
    ("fr", req("Résume ce texte en quelques phrases :\n\n" + document("printing_press", 6, 6))),
    ("fr", req("Peux-tu faire une synthèse de cette réunion ?\n\n" + document("meeting", 5, 7))),
    ("de", req("Fasse den folgenden Text kurz zusammen:\n\n" + document("heat_islands", 6, 8))),
    ("de", req("Bitte gib mir eine Zusammenfassung dieses Berichts in Stichpunkten.\n\n" + document("remote_work", 8, 9))),
    ("de", req("Worum geht es in diesem Artikel? Kurz bitte.\n\n" + ARTICLE)),
    ("pt", req("Resuma o texto abaixo em um parágrafo:\n\n" + ARTICLE)),
    ("en", req("Write a summary of this thread that I can send to my manager.\n\n" + EMAIL_THREAD, model_ix=4)),
    ("en", req("I need this in bullet points for a slide, max 6 bullets:\n\n" + document("heat_islands", 8, 31))),
    ("en", req(document("meeting", 20, 32), system="You turn meeting transcripts into structured minutes: decisions, action items with owners, open questions.")),
    ("en", req("Shorter please, one paragraph.", history=[
        ("user", "Summarise this:\n\n" + document("printing_press", 6, 33)),
        ("assistant", "- Gutenberg combined the screw press, oil-based ink and a hand mould around 1440.\n- The 42-line Bible (c. 1455) impressed by its regularity.\n- Printing spread fast: 20 million volumes by 1500, Venice leading.\n- Historians debate how much it changed thinking.\n- Pamphlets powered the Reformation.\n- Print created new trades and the first copyright disputes."),
    ])),
    ("en", req("Can you pull out the five most important sentences from this article?\n\n" + document("heat_islands", 6, 34))),
    ("en", req("Digest of this, please, for a busy executive:\n\n" + document("remote_work", 18, 35))),
    ("en", req("Make a short synopsis of this story for the back cover.\n\n" + document("story", 5, 36))),
]
