"""Data analysis: the request carries data (tables, CSV, JSON records, figures,
survey counts, logs) or describes a data set, and the answer is the analysis itself
(trends, comparisons, statistics, anomalies, a chart spec). Labelling rules: when the
material is data, the kind is data analysis even if the verb is "summarise"; when the
deliverable is a program (write pandas/SQL that...), the kind is code."""

import random

from common import req, parts_req, text_part, image_part

SALES_CSV = """month,region,units,revenue
2024-01,North,1200,36000
2024-01,South,950,28500
2024-02,North,1100,33000
2024-02,South,1020,30600
2024-03,North,1350,40500
2024-03,South,980,29400
2024-04,North,1280,38400
2024-04,South,1150,34500
2024-05,North,1420,42600
2024-05,South,1210,36300
2024-06,North,1390,41700
2024-06,South,1300,39000"""

TABLE_MD = """| Store | Q1 sales | Q2 sales | Q3 sales | Q4 sales | Staff |
|-------|---------:|---------:|---------:|---------:|------:|
| Berlin | 182,000 | 175,500 | 190,200 | 240,800 | 14 |
| Munich | 210,300 | 198,000 | 205,700 | 251,000 | 16 |
| Hamburg | 120,400 | 131,900 | 128,300 | 160,200 | 9 |
| Cologne | 98,700 | 102,100 | 99,800 | 121,500 | 8 |
| Leipzig | 65,200 | 71,300 | 80,900 | 95,400 | 6 |"""

SURVEY = """Question: How satisfied are you with the new scheduling tool? (n = 412)
Very satisfied: 88
Satisfied: 141
Neutral: 97
Dissatisfied: 61
Very dissatisfied: 25
By department: Engineering 72% satisfied (n=150), Sales 41% (n=120), Support 58% (n=98), Finance 63% (n=44)"""

AB_TEST = """Variant A (control): 24,310 visitors, 1,093 purchases, average order 52.40
Variant B (new checkout): 24,105 visitors, 1,214 purchases, average order 50.90
Test ran 14 days, traffic split 50/50."""

JSON_ROWS = """[{"user": "u1", "plan": "pro", "signup": "2024-01-04", "churned": false, "seats": 12},
 {"user": "u2", "plan": "basic", "signup": "2024-01-09", "churned": true, "seats": 1},
 {"user": "u3", "plan": "basic", "signup": "2024-02-11", "churned": true, "seats": 2},
 {"user": "u4", "plan": "pro", "signup": "2024-02-15", "churned": false, "seats": 30},
 {"user": "u5", "plan": "team", "signup": "2024-03-01", "churned": false, "seats": 6},
 {"user": "u6", "plan": "basic", "signup": "2024-03-20", "churned": false, "seats": 1},
 {"user": "u7", "plan": "team", "signup": "2024-03-22", "churned": true, "seats": 5}]"""

LOG_COUNTS = """hour  requests  errors_5xx  p95_ms
00    12041     3           210
01    9876      2           198
02    8120      1           190
03    7990      48          1320
04    8010      51          1410
05    9230      4           230
06    15400     6           260
07    22310     9           310"""


def big_csv(rows, seed):
    rng = random.Random(seed)
    lines = ["date,product,channel,units,unit_price,discount_pct"]
    products = ["kettle", "toaster", "blender", "mixer", "grinder"]
    channels = ["web", "store", "partner"]
    for d in range(rows):
        lines.append(
            f"2024-{1 + d // 28:02d}-{1 + d % 28:02d},{rng.choice(products)},{rng.choice(channels)},"
            f"{rng.randint(1, 60)},{rng.choice([19.9, 24.5, 39.0, 59.9, 89.0])},{rng.choice([0, 0, 5, 10, 15])}"
        )
    return "\n".join(lines)


ITEMS = [
    ("en", req("Here's our monthly sales data. Which region is growing faster, and is the gap widening?\n\n" + SALES_CSV)),
    ("en", req("Analyse this table. Which store has the best sales per staff member, and which one grew most from Q1 to Q4?\n\n" + TABLE_MD)),
    ("en", req("What can we conclude from these survey results? Any department we should worry about?\n\n" + SURVEY)),
    ("en", req("Is the difference between these two variants statistically significant? Should we ship B?\n\n" + AB_TEST)),
    ("en", req("Looking at these customer records, what seems to be associated with churn?\n\n" + JSON_ROWS)),
    ("en", req("Something happened between 03:00 and 05:00. What do the numbers suggest?\n\n" + LOG_COUNTS)),
    ("en", req("Compute the average revenue per unit for each region and month, then tell me which month had the highest price.\n\n" + SALES_CSV)),
    ("en", req("Aggregate these sales by product and channel and point out anything unusual.\n\n" + big_csv(120, 1))),
    ("en", req(big_csv(300, 2) + "\n\nWhat are the trends in discounting over time, and does discounting increase units sold?")),
    ("en", req("Summarize the key figures in this table for a board slide.\n\n" + TABLE_MD)),
    ("en", req("Which channel has the highest average order size? Break it down by product too.\n\n" + big_csv(80, 3))),
    ("en", req("I have a dataset of 50,000 support tickets with columns created_at, category, priority, first_response_minutes, resolved, csat. What analyses would you run to find out why CSAT dropped last quarter?")),
    ("en", req("Our website traffic: Jan 41k, Feb 39k, Mar 52k, Apr 58k, May 55k, Jun 71k, Jul 69k, Aug 48k. Is there seasonality? What would you forecast for September?")),
    ("en", req("Calculate the median, mean and standard deviation of these response times in ms and tell me if there are outliers: 120, 135, 128, 140, 990, 132, 127, 138, 131, 1240, 129, 133")),
    ("en", req("Suggest the best chart to show this data and describe what it would reveal:\n\n" + TABLE_MD)),
    ("en", req("Plot the revenue by month for both regions as a line chart (describe it or give me a Vega-Lite spec) and comment on the trend.\n\n" + SALES_CSV)),
    ("en", req("Compare the conversion rates across these campaigns and rank them by cost per acquisition.\n\ncampaign,spend,clicks,signups\nspring_search,4200,8100,410\nspring_social,3100,12400,205\nnewsletter,300,2200,190\npartner_blog,1500,1900,160\nretargeting,2600,5400,330")),
    ("en", req("Here are our cloud costs per service for the last 3 months. Where is the money going and what grew?\n\nservice,jan,feb,mar\ncompute,18200,19100,24800\nstorage,4100,4300,4350\negress,2900,3100,6900\ndatabase,7600,7700,7750\nmonitoring,1200,1250,1900")),
    ("en", req("Correlation question: does study time predict exam score in this data?\n\nstudent,hours,score\nA,2,55\nB,5,71\nC,1,48\nD,8,88\nE,4,65\nF,6,80\nG,3,62\nH,7,84\nI,0,41\nJ,5,69")),
    ("en", req("Break down our headcount changes by team and compute attrition rate per team.\n\nteam,start_headcount,hires,leavers\nplatform,24,5,3\nmobile,15,2,4\ndata,11,4,1\nsales,30,9,11\nsupport,18,6,7")),
    ("en", req("From this JSON of orders, what's the average basket size by weekday?\n\n" + "[" + ",".join(f'{{"id":{i},"weekday":"{d}","items":{(i * 7) % 9 + 1},"total":{(i * 37) % 200 + 15}.5}}' for i, d in zip(range(40), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] * 6)) + "]")),
    ("en", req("Analyze the following quarterly P&L and tell me whether margins are improving.\n\n            Q1      Q2      Q3      Q4\nRevenue     1,240   1,310   1,405   1,620\nCOGS          610     640     700     790\nOpex          420     430     445     470\nNet income    210     240     260     360")),
    ("en", req("Find anomalies in this sensor log:\n\n" + "\n".join(f"2024-06-01T{h:02d}:{m:02d},{20.0 + (h % 5) * 0.4 + (9.7 if (h, m) == (13, 30) else 0):.1f},{45 + (h * 3) % 7}" for h in range(8, 18) for m in (0, 30)))),
    ("en", req("We ran a pricing survey. 300 people said they'd pay 10 EUR, 180 would pay 15, 90 would pay 20, 25 would pay 30. Which price maximises revenue, and how confident can we be?")),
    ("en", parts_req([text_part("Here's a chart of our weekly active users. What's the trend and what might explain the dip in week 14?"), image_part("https://example.com/charts/wau.png")])),
    ("en", parts_req([text_part("Analyse the data in this spreadsheet screenshot: which product line is underperforming?"), image_part("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")])),
    ("en", req("Group these expenses by category and tell me where I could save money.\n\n2024-05-01 Groceries 82.10\n2024-05-02 Coffee 4.50\n2024-05-03 Rent 1200.00\n2024-05-03 Coffee 4.50\n2024-05-05 Restaurant 64.00\n2024-05-07 Groceries 95.40\n2024-05-08 Streaming 15.99\n2024-05-09 Coffee 5.20\n2024-05-11 Restaurant 48.00\n2024-05-12 Taxi 23.00\n2024-05-14 Groceries 77.80\n2024-05-15 Streaming 9.99\n2024-05-18 Restaurant 91.50\n2024-05-20 Taxi 31.00")),
    ("en", req("Cohort question: of users who signed up in January, 62% were active in month 1, 41% in month 2, 35% in month 3. For February signups: 58%, 33%, 27%. March: 66%, 45%. What does this tell us about retention?")),
    ("en", req("Which of these features explains most of the variance in house price? Give me your reasoning from the numbers.\n\nsqm,rooms,age,distance_km,price_k\n54,2,30,3.1,310\n78,3,12,5.0,405\n95,4,5,8.2,470\n42,1,45,1.2,295\n120,5,20,12.0,520\n66,3,60,2.5,340\n88,3,2,6.8,455")),
    ("en", req("Give me descriptive statistics for this column and a histogram description: 3, 7, 7, 2, 9, 4, 4, 4, 8, 1, 6, 5, 5, 7, 3, 9, 2, 4, 6, 5")),
    ("en", req("Pivot this by month (rows) and category (columns), sum of amount, then comment.\n\nmonth,category,amount\nJan,food,320\nJan,travel,150\nFeb,food,290\nFeb,travel,480\nFeb,tools,75\nMar,food,310\nMar,tools,210\nMar,travel,90", model_ix=3)),
    ("en", req("Is our error budget on track? SLO is 99.9% monthly. Daily availability so far: 100, 99.95, 100, 99.2, 100, 100, 99.98, 100, 99.7, 100, 100, 100")),
    ("en", req("Interpret this regression output for me:\n\n            coef    std err   t       P>|t|\nintercept   12.41   3.02      4.11    0.000\nad_spend     0.83   0.21      3.95    0.000\nprice       -1.92   0.88     -2.18    0.031\nseason_q4    4.10   2.75      1.49    0.139\nR-squared: 0.61, n = 96")),
    ("zh", req("请分析以下销售数据，找出增长最快的地区：\n\n" + SALES_CSV)),
    ("zh", req("下面是我们app最近一周的日活数据，帮我看看有什么趋势：\n\n日期,日活,新增用户\n周一,15230,820\n周二,15880,760\n周三,16010,790\n周四,15420,640\n周五,17650,1210\n周六,21030,1580\n周日,20480,1490")),
    ("zh", req("统计一下这个表格里每个部门的平均工资和人数：\n\n| 姓名 | 部门 | 工资 |\n|---|---|---|\n| 张伟 | 研发 | 28000 |\n| 李娜 | 市场 | 18000 |\n| 王强 | 研发 | 32000 |\n| 刘洋 | 销售 | 15000 |\n| 陈静 | 市场 | 21000 |\n| 赵磊 | 销售 | 17500 |")),
    ("ja", req("次のデータを分析して、売上が落ちている店舗を教えてください。\n\n" + TABLE_MD)),
    ("ja", req("アンケート結果を集計して、傾向を説明してください。\n\n満足: 120\nやや満足: 85\n普通: 60\nやや不満: 30\n不満: 15\n年代別では20代の満足度が最も低い（45%）。")),
    ("ko", req("다음 데이터를 분석해서 어떤 캠페인이 가장 효율적인지 알려 줘.\n\ncampaign,spend,clicks,signups\nA,1000,5200,120\nB,1500,6100,98\nC,700,2900,110")),
    ("ko", req("월별 매출 추이를 분석해 주세요: 1월 1200만원, 2월 1100만원, 3월 1500만원, 4월 1650만원, 5월 1580만원, 6월 1900만원")),
    ("es", req("Analiza estos datos de ventas y dime qué región tiene mejor tendencia:\n\n" + SALES_CSV)),
    ("es", req("Calcula la media y la mediana de estas notas y comenta la distribución: 6.5, 7.0, 8.2, 4.9, 9.1, 5.5, 7.7, 6.8, 3.2, 8.8")),
    ("fr", req("Analyse ces données et dis-moi quel magasin progresse le plus :\n\n" + TABLE_MD)),
    ("fr", req("Voici les résultats de notre test A/B. La différence est-elle significative ?\n\n" + AB_TEST)),
    ("de", req("Analysiere diese Umfrageergebnisse und nenne die wichtigsten Auffälligkeiten:\n\n" + SURVEY)),
    ("de", req("Welche Kostenposition ist am stärksten gestiegen? Bitte mit Prozentzahlen.\n\nPosten,Jan,Feb,Mär\nMiete,4200,4200,4200\nEnergie,980,1150,1420\nPersonal,21000,21300,21500\nMarketing,3000,2500,4100")),
    ("en", req(big_csv(600, 5) + "\n\nWhich product should we discontinue based on this data?")),
    ("en", req("Here are last year's monthly churn rates: 2.1, 2.3, 2.0, 2.8, 3.1, 3.4, 3.3, 3.9, 4.2, 4.0, 4.4, 4.6 (%). Describe the trend and estimate annual retention.")),
    ("en", req("Benchmark results, lower is better. Which config should we pick and is the difference real?\n\nconfig,run1_ms,run2_ms,run3_ms,run4_ms,run5_ms\nbaseline,212,208,215,230,209\ncache_on,181,179,240,178,182\nbatching,175,190,188,172,176")),
    ("en", req("Segment these customers into groups based on spend and frequency, and describe each segment.\n\ncustomer,orders_per_year,avg_spend\nc01,2,40\nc02,24,15\nc03,3,380\nc04,18,22\nc05,1,25\nc06,30,60\nc07,4,310\nc08,12,18\nc09,2,35\nc10,26,55")),
    ("en", req("Which hours of the day drive most of the errors?\n\n" + LOG_COUNTS + "\n08    30120     11          340\n09    35200     14          360")),
    ("en", req("Explain what these numbers say about our funnel: visits 120,000 → product views 48,000 → add to cart 9,600 → checkout 4,100 → paid 2,900.")),
    ("en", req("I exported our NPS responses: 412 promoters, 233 passives, 180 detractors. Last quarter it was 380/260/190. Did NPS improve, and by how much?")),
    ("en", req("What's the year-over-year growth for each line, and which is the outlier?\n\nline,2022,2023,2024\napparel,4.1,4.5,4.9\nfootwear,2.2,2.1,2.6\naccessories,1.0,1.6,2.7\nhome,0.8,0.9,0.85")),
    ("pt", req("Analise esta tabela de vendas e diga qual produto vendeu mais:\n\nproduto,jan,fev,mar\ncamiseta,120,140,160\ncalça,80,75,90\nboné,40,60,85")),
]
