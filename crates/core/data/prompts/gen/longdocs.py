"""Long documents composed deterministically from hand-written seed paragraphs.

A document of any length is built by cycling through a topic's paragraphs with
numbered section headings, so the set can hold a few 20-60 KB prompts without
shipping megabytes of text.
"""

import random

TOPICS = {
    "remote_work": [
        "Starting next quarter, every team may choose up to three remote days per week. The decision belongs to the team lead, who must publish the team's in-office days on the shared calendar by the first Monday of each month so that people who depend on each other can plan meetings in person.",
        "Employees who live more than 80 km from the nearest office can apply for fully remote status. Applications are reviewed by HR and the department head within ten working days; approval is for twelve months and renewable. Fully remote staff are expected to attend the two company-wide planning weeks in person, with travel paid by the company.",
        "Equipment: the company provides a laptop, one external monitor, a headset and a one-time home office allowance of 600 EUR. Receipts must be submitted through the expense tool within sixty days. Furniture bought with the allowance remains the employee's property; electronics must be returned when the employee leaves.",
        "Security rules do not change at home. Devices must use full-disk encryption, screens must lock after five minutes, and confidential customer data may not be printed at home. Public Wi-Fi may only be used through the corporate VPN. Incidents, including a lost laptop, must be reported to the security desk within one hour.",
        "Working hours remain contractual. Core collaboration hours are 10:00 to 15:00 local office time; outside those hours people are not expected to answer messages. Managers should avoid scheduling meetings on Friday afternoons and should record decisions in writing so that colleagues in other time zones can follow.",
        "The policy will be evaluated after six months using the engagement survey, attrition figures and a sample of project delivery dates. If the evaluation shows that collaboration has suffered, the leadership team may reduce the number of remote days, with at least two months' notice to employees.",
    ],
    "printing_press": [
        "When Johannes Gutenberg began experimenting with movable metal type in Mainz around 1440, he combined several existing technologies: the screw press used for wine and olive oil, oil-based inks borrowed from painters, and a hand mould that allowed letters to be cast quickly and uniformly from an alloy of lead, tin and antimony.",
        "The first major product of the new press, the forty-two-line Bible, was completed around 1455. About 180 copies were printed, some on vellum and most on paper. Contemporary observers were struck less by the speed of production than by the regularity of the pages, which looked as if a single tireless scribe had written them.",
        "Printing spread with remarkable speed. By 1480 presses operated in more than a hundred European towns, and by 1500 an estimated twenty million volumes had been produced. Venice became the leading centre, partly because of its trade networks and partly because printers such as Aldus Manutius developed portable formats and clear italic typefaces.",
        "Historians still argue about how much the press changed the way people thought. Some emphasise the standardisation of texts, which allowed scholars in different cities to refer to the same page and the same error. Others point out that manuscripts continued to circulate for a century and that reading habits changed only slowly.",
        "The Reformation is the classic example of print's political power. Luther's pamphlets were short, written in German rather than Latin, and cheap to reproduce; printers reprinted them because they sold. Within a few years both reformers and their opponents had learned to use woodcut illustrations and vernacular slogans to reach readers who could barely read.",
        "Print also created new professions and new conflicts: proof-readers, booksellers, censors and privilege holders who claimed exclusive rights to a title. Disputes over reprinting eventually fed into the first copyright laws in the eighteenth century, long after Gutenberg himself had lost his workshop to a creditor.",
    ],
    "heat_islands": [
        "Urban heat islands form when cities replace vegetation and moist soil with asphalt, concrete and roofs that absorb sunlight during the day and release it slowly at night. On calm summer nights, city centres can be six to eight degrees warmer than the surrounding countryside, which matters because night-time heat prevents the body from recovering.",
        "Measurements from street-level sensors show that the effect is uneven. Neighbourhoods with narrow streets, few trees and dark roofs heat up most, and these are often the neighbourhoods with older housing and residents on lower incomes. Heat-related hospital admissions in such districts rise sharply after three consecutive hot nights.",
        "Several interventions have been evaluated. Reflective roof coatings lower roof surface temperatures by up to thirty degrees and indoor temperatures in top-floor flats by two to three degrees. Street trees provide shade and evaporative cooling, but they need years to mature and sufficient soil volume, which competes with underground pipes and cables.",
        "Green roofs combine insulation with evaporative cooling, yet their cost and structural requirements limit them to new buildings or major renovations. Water features and misting systems give immediate relief in squares and parks, although their water consumption becomes controversial during droughts.",
        "Planning rules are slowly adapting. Some cities now require a minimum share of permeable surfaces in new developments, protect ventilation corridors that let cool air flow in from surrounding hills, and map heat exposure block by block to prioritise tree planting where vulnerable residents live.",
        "The main open questions concern long-term maintenance and fairness. Programmes that plant trees without funding irrigation lose a large share of saplings in the first dry summer, and cooling measures that raise property values can push out the very residents they were meant to protect.",
    ],
    "meeting": [
        "Maria: Okay, let's start. The main item today is the launch date for the mobile app. Last week we said end of May, but QA found the payment crash on older Android versions. Tom, where are we with that?\nTom: We reproduced it on Android 9 and 10. It's in the card tokenisation library; the vendor has a patch in beta. I'd rather not ship a beta library into payments.",
        "Aisha: From the marketing side, the campaign is booked for the first week of June. Moving it costs us the deposit for the billboard slots, roughly eight thousand. Digital ads can move without cost.\nMaria: So a short slip is cheap for digital and expensive for outdoor. Can we keep the billboards and run them as brand awareness without the app download call to action?",
        "Tom: Another option is to launch without card payments on Android 9 and 10 and offer PayPal only on those versions. That's about six percent of our Android users according to analytics.\nLi: Support would need a macro explaining why some users don't see the card option. I can draft it, but it will generate tickets regardless.",
        "Maria: Let's decide. Proposal: we keep the June launch, disable card payments for Android below 11, Tom's team integrates the vendor patch once it's out of beta, and Li prepares the support macro. Any objections?\nAisha: None from marketing as long as the billboards keep their date.\nTom: Fine, but I want a go/no-go check on May 28 with the QA lead.",
        "Li: One more thing: the accessibility audit flagged that the onboarding screens have low contrast. That's a two-day fix for design.\nMaria: Put it on the launch checklist, it's a must-have. Action items: Tom owns the payment flag and the go/no-go meeting, Li the support macro, design the contrast fix, Aisha confirms the billboard copy by Friday. Next meeting Thursday.",
    ],
    "story": [
        "The lighthouse on Kerran Point had been automated for twenty years when Ada arrived with a suitcase and a letter from the maritime authority saying that, for reasons nobody would explain, the light needed a keeper again. The village below watched her climb the path and decided, without discussing it, that she would not last the winter.",
        "The first weeks were mostly paperwork and silence. The automatic lamp worked perfectly. Ada logged the weather, the passing ships and the times the fog came in, and she began to notice that the fog did not behave like fog. It arrived against the wind, and it always stopped exactly at the edge of the rocks.",
        "In November a fishing boat lost its engine off the point. Ada watched it drift toward the reef while the lamp turned above her, faithful and useless. On an impulse she switched the mechanism to manual and turned the light by hand, slowly, the old way her grandfather had described, and the fog opened like a curtain along the beam.",
        "After that the villagers came up the path one by one, never admitting why. The baker brought bread, the harbour master brought charts older than the authority's records, and an old woman brought a logbook from 1911 in which a keeper had written, on every foggy night, the same four words: turn it by hand.",
        "By spring Ada understood that the letter had not been a mistake. She wrote back to the authority describing the fog, the reef and the logbook, and asked whether anyone there had known. The reply took two months to arrive and contained only a renewal of her contract and, unusually, a handwritten signature.",
    ],
    "zh_transport": [
        "近年来，随着城市人口持续增长，许多大城市的通勤时间不断延长。调查显示，特大城市居民的平均单程通勤时间已超过四十分钟，其中约有百分之十五的通勤者单程时间超过一个小时，长时间通勤正在影响居民的生活质量与工作效率。",
        "为缓解交通压力，多个城市加快了轨道交通建设。地铁网络的扩张在一定程度上分流了道路交通，但新线路往往首先覆盖已经较为发达的中心区域，而外围新城的居民仍然依赖公交和私家车，换乘次数多、接驳不便的问题依旧突出。",
        "与此同时，共享单车和电动自行车在“最后一公里”中发挥了重要作用。研究表明，在地铁站周边五百米范围内增设停车点，可以使轨道交通的使用率提高约百分之八。然而，车辆乱停乱放也给城市管理带来了新的挑战。",
        "一些城市开始尝试通过错峰上班和远程办公来降低高峰时段的客流。试点企业的数据显示，实行弹性工作制后，员工的通勤时间平均缩短了十二分钟，早高峰地铁满载率下降了约五个百分点，但这一做法在制造业和服务业中推广难度较大。",
        "专家认为，解决通勤问题的根本在于职住平衡。城市规划应当在新城区同步布局就业岗位、学校和医院，避免形成单一功能的“睡城”。只有让更多人能够在住处附近工作，交通设施的投入才能真正转化为居民生活质量的提升。",
    ],
    "ja_sleep": [
        "睡眠は健康の土台であるにもかかわらず、多くの社会人が慢性的な睡眠不足に悩んでいる。ある調査によると、平日の平均睡眠時間が六時間未満の人は全体の約四割に上り、そのうち半数以上が日中の強い眠気を感じていると回答した。",
        "睡眠不足の原因として最も多く挙げられたのは、就寝前のスマートフォンの使用である。画面から発せられる光は眠りを促すホルモンの分泌を抑え、寝つきを悪くする。また、SNSや動画を見続けることで、予定より就寝時刻が遅れる傾向も確認されている。",
        "専門家は、毎日同じ時刻に起きること、朝に日光を浴びること、就寝の一時間前には画面を見ないことを勧めている。特に起床時刻を一定に保つことは体内時計を整えるうえで効果が大きく、休日の寝だめはかえってリズムを乱すとされる。",
        "企業の中には、社員の睡眠を支援する取り組みを始めたところもある。仮眠スペースの設置や、深夜のメール送信を控えるルールの導入により、社員の集中力や満足度が向上したという報告がある一方で、制度が形だけになっている例も少なくない。",
    ],
}


def document(topic, paragraphs, seed):
    """`paragraphs` paragraphs from `topic`, with section headings every three."""
    rng = random.Random(seed)
    seeds = TOPICS[topic]
    out = []
    order = list(range(len(seeds)))
    for i in range(paragraphs):
        if i % len(seeds) == 0:
            rng.shuffle(order)
        if i % 3 == 0 and paragraphs > 6:
            out.append(f"Section {i // 3 + 1}")
        out.append(seeds[order[i % len(seeds)]])
    return "\n\n".join(out)
