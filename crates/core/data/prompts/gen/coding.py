"""Code: writing, reading, explaining, reviewing, debugging or converting code,
queries, regexes, shell commands and configuration; programming concepts and APIs.
Labelling rule: when the material is code, the kind is code even if the verb is
"summarise" or "explain"."""

from common import req

DEV = "You are a senior software engineer. Answer with working code and short explanations."

PY_BUG = """def average(values):
    total = 0
    for v in values:
        total += v
    return total / len(values)

print(average([]))"""

TRACEBACK = """Traceback (most recent call last):
  File "app.py", line 42, in <module>
    main()
  File "app.py", line 37, in main
    user = users[user_id]
KeyError: 'u-1042'"""

RUST_ERR = """error[E0502]: cannot borrow `v` as mutable because it is also borrowed as immutable
 --> src/main.rs:4:5
  |
3 |     let first = &v[0];
  |                  - immutable borrow occurs here
4 |     v.push(6);
  |     ^^^^^^^^^ mutable borrow occurs here
5 |     println!("{}", first);
  |                    ----- immutable borrow later used here"""

JS_SNIPPET = """const debounce = (fn, ms) => {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn.apply(this, args), ms);
  };
};"""

GO_SNIPPET = """func worker(jobs <-chan int, results chan<- int, wg *sync.WaitGroup) {
    defer wg.Done()
    for j := range jobs {
        results <- j * 2
    }
}"""

LONG_PY = "\n\n".join(
    f"""class Handler{i}(BaseHandler):
    \"\"\"Handles the {name} endpoint.\"\"\"

    def get(self, request, item_id):
        item = self.repo.find(item_id)
        if item is None:
            return Response(status=404)
        return Response(json=item.to_dict())

    def post(self, request):
        data = request.json()
        if not self.validate(data):
            return Response(status=400, json={{"error": "invalid"}})
        item = self.repo.create(**data)
        return Response(status=201, json=item.to_dict())"""
    for i, name in enumerate(["orders", "users", "invoices", "carts", "coupons", "reviews", "shipments", "refunds"])
)

ITEMS = [
    ("en", req("Write a Python function that checks whether a string is a palindrome, ignoring spaces and punctuation.")),
    ("en", req("Implement a thread-safe LRU cache in Java with get and put in O(1).", system=DEV)),
    ("en", req("Why does this crash?\n\n```python\n" + PY_BUG + "\n```")),
    ("en", req("I get this error, how do I fix it?\n\n```\n" + TRACEBACK + "\n```\n\nThe dict is loaded from a JSON file at startup.")),
    ("en", req("How do I fix this borrow checker error?\n\n```\n" + RUST_ERR + "\n```")),
    ("en", req("Can you explain what this does, line by line?\n\n```js\n" + JS_SNIPPET + "\n```")),
    ("en", req("Is there a race condition here?\n\n" + GO_SNIPPET)),
    ("en", req("Write a SQL query that returns the top 5 customers by total order value in 2024, from tables customers(id, name) and orders(id, customer_id, amount, created_at).")),
    ("en", req("Give me a regex that matches UK postcodes.")),
    ("en", req("bash one-liner to find the 10 largest files under the current directory, including subdirectories")),
    ("en", req("Refactor this to use a dictionary instead of the if/elif chain:\n\nif cmd == 'start':\n    start()\nelif cmd == 'stop':\n    stop()\nelif cmd == 'restart':\n    stop(); start()\nelse:\n    print('unknown')")),
    ("en", req("Write unit tests with pytest for this function:\n\n```python\n" + PY_BUG + "\n```")),
    ("en", req("Convert this Python to idiomatic Rust:\n\n```python\nwords = {}\nfor line in open('input.txt'):\n    for w in line.split():\n        words[w] = words.get(w, 0) + 1\nfor w, c in sorted(words.items(), key=lambda x: -x[1])[:10]:\n    print(w, c)\n```")),
    ("en", req("Write a Dockerfile for a Node 20 Express app that runs as a non-root user and uses a multi-stage build.")),
    ("en", req("My Kubernetes pod is stuck in CrashLoopBackOff. Here's the manifest:\n\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: api\n        image: registry.local/api:1.4\n        command: [\"./server\", \"--port\", \"8080\"]\n        readinessProbe:\n          httpGet: {path: /health, port: 80}")),
    ("en", req("What's the difference between `let`, `const` and `var` in JavaScript? Show examples.")),
    ("en", req("Explain Rust lifetimes with a small example.")),
    ("en", req("How do I make an HTTP POST request with a JSON body in Go?")),
    ("en", req("Review this code for security problems:\n\n```php\n$id = $_GET['id'];\n$result = mysqli_query($conn, \"SELECT * FROM users WHERE id = $id\");\nwhile ($row = mysqli_fetch_assoc($result)) {\n    echo $row['name'];\n}\n```")),
    ("en", req("Summarize what this module does so I can write its docstring:\n\n```python\n" + LONG_PY + "\n```")),
    ("en", req("Here's our handlers file. Add pagination to every GET endpoint that returns a list.\n\n" + LONG_PY, system=DEV)),
    ("en", req("implement quicksort in C, in place, with the Hoare partition scheme")),
    ("en", req("Write a React component that shows a countdown timer and calls onDone when it reaches zero. Use hooks.")),
    ("en", req("Generate a TypeScript interface for this JSON:\n{\"id\": 12, \"name\": \"Ada\", \"tags\": [\"admin\"], \"address\": {\"city\": \"Oslo\", \"zip\": \"0150\"}}")),
    ("en", req("My CSS grid items overflow the container on mobile. How do I make the columns wrap?\n\n.grid { display: grid; grid-template-columns: repeat(4, 300px); gap: 16px; }")),
    ("en", req("How can I speed up this pandas loop?\n\nfor i in range(len(df)):\n    df.loc[i, 'total'] = df.loc[i, 'price'] * df.loc[i, 'qty']")),
    ("en", req("Write a GitHub Actions workflow that runs cargo test and cargo clippy on every push.")),
    ("en", req("Now add caching for the cargo registry.", history=[
        ("user", "Write a GitHub Actions workflow that runs cargo test on every push."),
        ("assistant", "```yaml\nname: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test\n```"),
    ])),
    ("en", req("Why is my useEffect running twice in development?")),
    ("en", req("What does `git rebase -i HEAD~3` do, and how do I squash the last three commits?")),
    ("en", req("Design a REST API for a library system: books, members, loans. Give me the endpoints and example payloads.")),
    ("en", req("I keep getting 'segmentation fault (core dumped)' in my C program that reads a file into a char buffer. The buffer is declared as char *buf; and I call fgets(buf, 256, f). What's wrong?")),
    ("en", req("Write a function in Kotlin that merges two sorted lists.")),
    ("en", req("Optimise this SQL, it takes 40 seconds:\n\nSELECT * FROM events e WHERE DATE(e.created_at) = '2024-05-01' AND e.user_id IN (SELECT id FROM users WHERE country = 'DE');")),
    ("en", req("Explain the difference between a process and a thread, with an example in Python.")),
    ("en", req("Create a Makefile with targets build, test and clean for a small C project with src/ and include/ folders.")),
    ("en", req("How do I center a div horizontally and vertically?")),
    ("en", req("Add type hints to this:\n\ndef merge(a, b):\n    out = dict(a)\n    for k, v in b.items():\n        out[k] = out.get(k, []) + v\n    return out")),
    ("en", req("Write a Terraform snippet that creates an S3 bucket with versioning and server-side encryption enabled.")),
    ("en", req("Here's a stack trace from our Spring Boot service:\n\njava.lang.NullPointerException: Cannot invoke \"com.acme.Order.getTotal()\" because \"order\" is null\n\tat com.acme.billing.InvoiceService.create(InvoiceService.java:58)\n\tat com.acme.billing.InvoiceController.post(InvoiceController.java:31)\n\nWhat should I check first?")),
    ("en", req("Write a Python script that watches a folder and uploads every new .csv file to an SFTP server.")),
    ("en", req("Is it better to use async/await or threads for a web scraper that fetches 10,000 pages? Show a minimal asyncio example.")),
    ("en", req("Write a Swift function that validates an email address.", model_ix=4)),
    ("zh", req("用Python写一个函数，统计一段文本里每个汉字出现的次数。")),
    ("zh", req("这段代码为什么会报错？\n\n```python\nfor i in range(10)\n    print(i)\n```")),
    ("zh", req("请帮我用Java实现一个单例模式，要求线程安全。")),
    ("zh", req("解释一下这段JavaScript代码的作用：\n\n" + JS_SNIPPET)),
    ("ja", req("このコードのバグを直してください。\n\n```python\n" + PY_BUG + "\n```")),
    ("ja", req("Reactでログインフォームのコンポーネントを書いてください。バリデーション付きでお願いします。")),
    ("ja", req("SQLで、部署ごとの平均給与を求めるクエリを書いて。テーブルは employees(id, name, dept, salary) です。")),
    ("ko", req("파이썬으로 피보나치 수열을 출력하는 코드를 작성해 줘.")),
    ("ko", req("이 에러를 어떻게 해결하나요?\n\n```\n" + TRACEBACK + "\n```")),
    ("es", req("Escribe una función en JavaScript que elimine los duplicados de un array.")),
    ("es", req("¿Por qué este código da un error de índice?\n\nlista = [1, 2, 3]\nfor i in range(4):\n    print(lista[i])")),
    ("fr", req("Écris une fonction Python qui lit un fichier CSV et renvoie la liste des lignes.")),
    ("fr", req("Comment corriger cette erreur en Rust ?\n\n" + RUST_ERR)),
    ("de", req("Schreibe eine Funktion in C#, die prüft, ob eine Zahl eine Primzahl ist.")),
    ("de", req("Kannst du diesen Code refaktorisieren, damit er lesbarer wird?\n\n" + GO_SNIPPET)),
    ("en", req("What's the time complexity of this and can it be improved?\n\ndef has_dup(xs):\n    for i in range(len(xs)):\n        for j in range(i + 1, len(xs)):\n            if xs[i] == xs[j]:\n                return True\n    return False")),
    ("en", req("Write an nginx config that proxies /api to localhost:3000 and serves static files from /var/www/app.")),
    ("en", req("How do I read environment variables in a Rust program and fall back to a default?")),
    ("en", req("Can you port this jQuery to vanilla JS?\n\n$('.btn').on('click', function () { $(this).toggleClass('active'); $('#panel').slideToggle(200); });")),
    ("en", req("Write a PowerShell script that deletes log files older than 30 days in C:\\logs.")),
    ("en", req("My Flask app returns 405 Method Not Allowed for a POST to /submit. The route is @app.route('/submit'). Why?")),
    ("en", req("What is dependency injection? Give a short TypeScript example.")),
]
