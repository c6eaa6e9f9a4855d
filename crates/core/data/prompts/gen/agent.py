"""Agents: the request offers tools (or legacy functions) the model may call, or is
in the middle of a tool loop (assistant tool calls, tool results), or the system
prompt sets up a text tool protocol. Labelling rule: tools present and not disabled
with tool_choice "none" make a request an agent request, whatever the user asks,
because it needs a tool-capable model."""

from common import req, fn_tool, s, n, msg, tool_call

WEATHER = fn_tool("get_weather", "Current weather for a city", {"city": s("City name"), "unit": {"type": "string", "enum": ["c", "f"]}})
SEARCH = fn_tool("web_search", "Search the web and return the top results", {"query": s("Search query"), "max_results": n("How many results")})
SQL = fn_tool("run_sql", "Run a read-only SQL query against the analytics warehouse", {"query": s("SQL text")})
EMAIL = fn_tool("send_email", "Send an email on behalf of the user", {"to": s("Recipient"), "subject": s("Subject"), "body": s("Body")}, ["to", "subject", "body"])
CAL = fn_tool("create_event", "Create a calendar event", {"title": s("Title"), "start": s("ISO start time"), "duration_min": n("Duration in minutes")}, ["title", "start"])
TICKET = fn_tool("create_ticket", "Open a ticket in the issue tracker", {"title": s("Title"), "priority": {"type": "string", "enum": ["low", "medium", "high"]}})
READ = fn_tool("read_file", "Read a file from the repository", {"path": s("Path relative to the repo root")})
WRITE = fn_tool("write_file", "Write a file in the repository", {"path": s("Path"), "content": s("Full new content")}, ["path", "content"])
SHELL = fn_tool("run_shell", "Run a shell command in the sandbox and return stdout and stderr", {"command": s("Command line")})
ORDER = fn_tool("lookup_order", "Look up an order by id", {"order_id": s("Order id")})
REFUND = fn_tool("issue_refund", "Refund an order, fully or partially", {"order_id": s("Order id"), "amount": n("Amount in EUR")}, ["order_id"])
FLIGHTS = fn_tool("search_flights", "Search flights", {"from": s("IATA code"), "to": s("IATA code"), "date": s("YYYY-MM-DD")}, ["from", "to", "date"])
STOCK = fn_tool("get_stock_price", "Latest price for a ticker", {"ticker": s("Ticker symbol")})
KB = fn_tool("search_kb", "Search the internal knowledge base", {"query": s("Query")})

CODING_TOOLS = [READ, WRITE, SHELL]
OFFICE_TOOLS = [EMAIL, CAL, SEARCH]
SHOP_TOOLS = [ORDER, REFUND, KB]

REACT = """You are an agent that solves tasks step by step using tools. Available tools:
- search(query): searches the web
- calculator(expression): evaluates arithmetic
- lookup(page, term): finds a term in a page

Use this format:
Thought: what you think
Action: tool_name[input]
Observation: the tool's result
... (repeat) ...
Final Answer: the answer"""


def loop(user, calls, results, tools, final_user=None):
    """A conversation mid tool loop: user turn, assistant tool calls, tool results."""
    messages = [msg("user", user), {"role": "assistant", "content": None, "tool_calls": calls}]
    for call, result in zip(calls, results):
        messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
    if final_user is not None:
        messages.append(msg("user", final_user))
    return {"model": "auto", "messages": messages, "tools": tools}


ITEMS = [
    ("en", req("What's the weather like in Oslo right now?", tools=[WEATHER])),
    ("en", req("Should I bring an umbrella to Paris and London tomorrow?", tools=[WEATHER], tool_choice="auto")),
    ("en", req("Find the latest news about the James Webb telescope and give me three headlines.", tools=[SEARCH])),
    ("en", req("How many orders did we get last week per country?", tools=[SQL], system="You are a data assistant with access to the warehouse. Tables: orders(id, country, created_at, total).")),
    ("en", req("Email Sam that the demo moved to Thursday at 3pm, and put it in my calendar.", tools=OFFICE_TOOLS)),
    ("en", req("Book a 30 minute focus block tomorrow at 9.", tools=[CAL], tool_choice="required")),
    ("en", req("The login page returns 500 since this morning. Open a high priority ticket.", tools=[TICKET])),
    ("en", req("Fix the failing test in tests/test_parser.py.", tools=CODING_TOOLS, system="You are a coding agent working in a git repository. Use the tools to inspect and change files; run the tests before finishing.")),
    ("en", req("Add a --verbose flag to the CLI in src/cli.py and update the README.", tools=CODING_TOOLS)),
    ("en", req("Where is my order 88123? It was supposed to arrive yesterday.", tools=SHOP_TOOLS, system="You are the support agent for Kettle & Co. Be kind and concise.")),
    ("en", req("I want a refund for order 77410, the blender arrived broken.", tools=SHOP_TOOLS, system="You are the support agent for Kettle & Co. Refunds above 100 EUR need a photo of the damage.")),
    ("en", req("Find me a flight from Berlin to Lisbon on 2025-03-14, cheapest in the morning.", tools=[FLIGHTS])),
    ("en", req("What's Apple trading at, and how does that compare with Microsoft?", tools=[STOCK])),
    ("en", req("Summarise the three most recent articles about the EU AI Act.", tools=[SEARCH])),
    ("en", req("Write a Python function to parse ISO dates.", tools=CODING_TOOLS)),
    ("en", req("hi", tools=[WEATHER, SEARCH])),
    ("en", req("Check our knowledge base: do we ship to Norway, and what are the customs rules?", tools=[KB])),
    ("en", req("Run the linter and fix whatever it complains about.", tools=[SHELL, READ, WRITE], tool_choice="auto", parallel_tool_calls=False)),
    ("en", req("What's 17% of our March revenue? Query the numbers first.", tools=[SQL])),
    ("en", loop("What's the weather in Tokyo and Osaka?",
                [tool_call("call_1", "get_weather", "{\"city\":\"Tokyo\"}"), tool_call("call_2", "get_weather", "{\"city\":\"Osaka\"}")],
                ["{\"temp_c\": 21, \"sky\": \"clear\"}", "{\"temp_c\": 24, \"sky\": \"rain\"}"], [WEATHER])),
    ("en", loop("How many signups did we have yesterday?",
                [tool_call("call_a", "run_sql", "{\"query\":\"SELECT count(*) FROM signups WHERE day = current_date - 1\"}")],
                ["[{\"count\": 1842}]"], [SQL])),
    ("en", loop("Run the tests.",
                [tool_call("call_t", "run_shell", "{\"command\":\"cargo test 2>&1 | tail -20\"}")],
                ["test result: FAILED. 41 passed; 1 failed\n---- parser::tests::empty_input stdout ----\nthread panicked at src/parser.rs:88: index out of bounds"],
                CODING_TOOLS, final_user="Great, now fix the failing one.")),
    ("en", loop("Did order 55102 ship?",
                [tool_call("call_o", "lookup_order", "{\"order_id\":\"55102\"}")],
                ["{\"status\": \"shipped\", \"carrier\": \"DHL\", \"eta\": \"2025-02-03\"}"], SHOP_TOOLS)),
    ("en", loop("Find a good vegetarian restaurant near the venue.",
                [tool_call("call_s", "web_search", "{\"query\":\"vegetarian restaurant near Messe Frankfurt\"}")],
                ["1. Green Leaf, 4.6 stars, 400 m\n2. Tiffin Club, 4.4 stars, 900 m\n3. Blattgold, 4.7 stars, 1.2 km"], [SEARCH],
                final_user="The second one looks nice. Book a table for 4 at 7pm?")),
    ("en", {"model": "auto", "messages": [msg("user", "What's the weather in Madrid?")], "functions": [{"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]}),
    ("en", {"model": "auto", "messages": [msg("system", "Call functions when needed."), msg("user", "Remind me to call mum at 6.")], "functions": [{"name": "set_reminder", "description": "Set a reminder", "parameters": {"type": "object", "properties": {"text": {"type": "string"}, "time": {"type": "string"}}}}], "function_call": "auto"}),
    ("en", req("Who won the most recent Tour de France, and how old are they?", system=REACT)),
    ("en", req("What is the population of the capital of Australia divided by 3?", system=REACT)),
    ("en", req("Question: In which year was the author of 'The Left Hand of Darkness' born?\nThought:", system=REACT)),
    ("en", req("Investigate why disk usage on the build server keeps growing and clean it up safely.", tools=[SHELL])),
    ("en", req("Compare the weather in Rome, Madrid and Athens this weekend and tell me where to go.", tools=[WEATHER, SEARCH])),
    ("en", req("Create tickets for each bug in this list: login timeout on Safari; export to CSV drops the last row; dark mode toggle does not persist.", tools=[TICKET])),
    ("en", req("Look up the order for customer email anna@example.com and tell me the status.", tools=SHOP_TOOLS, tool_choice={"type": "function", "function": {"name": "lookup_order"}})),
    ("en", req("Refactor the database module to use connection pooling. The code is in src/db/.", tools=CODING_TOOLS, system="You are an autonomous software engineer. Think, then act with tools. Never push to main.")),
    ("en", req("Send the weekly report to the team. Use the numbers from the warehouse.", tools=[SQL, EMAIL])),
    ("en", req("Plan my trip: flights Munich to Rome on May 2, check the weather there, and add the flight to my calendar.", tools=[FLIGHTS, WEATHER, CAL])),
    ("zh", req("帮我查一下上海明天的天气。", tools=[WEATHER])),
    ("zh", req("给张经理发一封邮件，告诉他周五的会议改到下午三点。", tools=[EMAIL])),
    ("zh", loop("查一下订单 20931 的物流状态。",
                [tool_call("call_z", "lookup_order", "{\"order_id\":\"20931\"}")],
                ["{\"status\": \"运输中\", \"eta\": \"2025-02-06\"}"], SHOP_TOOLS)),
    ("ja", req("明日の大阪の天気を調べて、傘が必要か教えて。", tools=[WEATHER])),
    ("ja", req("来週の月曜日10時にチームミーティングを予定に入れてください。", tools=[CAL])),
    ("ko", req("서울 날씨 알려줘.", tools=[WEATHER])),
    ("ko", req("주문번호 66001 환불 처리해 주세요. 제품이 파손되어 왔어요.", tools=SHOP_TOOLS)),
    ("es", req("¿Qué tiempo hace en Valencia hoy?", tools=[WEATHER])),
    ("es", req("Busca vuelos de Madrid a Buenos Aires para el 10 de abril.", tools=[FLIGHTS])),
    ("fr", req("Quel temps fait-il à Lyon ? Et à Marseille ?", tools=[WEATHER])),
    ("fr", req("Crée un ticket : le paiement par carte échoue sur l'application mobile.", tools=[TICKET])),
    ("de", req("Wie ist das Wetter in Hamburg morgen?", tools=[WEATHER])),
    ("de", req("Schick Jonas eine E-Mail, dass ich heute später komme.", tools=[EMAIL])),
    ("en", req("Which of our top 10 customers by revenue haven't ordered in 90 days? Then draft an email to each account owner.", tools=[SQL, EMAIL])),
    ("en", req("Research the pros and cons of heat pumps for old houses and give me sources.", tools=[SEARCH], model_ix=4)),
    ("en", req("Please summarize the file docs/architecture.md for me.", tools=[READ])),
    ("en", req("Prove that the script scripts/deploy.sh is idempotent by running it twice and comparing the output.", tools=[SHELL, READ])),
    ("en", req("Analyze last month's sales by region.", tools=[SQL], system="You can query the warehouse with run_sql. Always show the query you ran.")),
]
