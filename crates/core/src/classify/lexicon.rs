//! Keyword tables: which words and CJK character sequences hint at which task.
//!
//! Everything is a `static` array built at compile time (words behind a hash
//! index computed by `const` evaluation, bigrams and CJK sequences sorted for
//! binary search), so nothing is built per call and the tables cost a few
//! kilobytes of .wasm. Latin words are stored lower-case with accents folded
//! (`résume` → `resume`, `función` → `funcion`): the scanner folds the same way
//! before looking a word up. CJK entries are sequences of two or three
//! characters, matched on a sliding window because those scripts do not
//! separate words with spaces.
//!
//! A word is looked up by its [`WordKey`]: its bytes packed little-endian into
//! three `u64`s, zero-padded (words longer than [`KEY_BYTES`] are never looked
//! up; the longest entry has 20 letters). The scanner builds the key and its
//! hash while it reads the letters, eight at a time, so a lookup is one bit test
//! in a filter and, for the few words that pass it, a probe and a three-word
//! compare.
//!
//! A word may also be a *lead* (non-zero third field): the next word then forms a
//! bigram looked up in [`BIGRAMS`] (`tl;dr`, `what do you think`, `key points`,
//! `step by step`, …).
//!
//! Invariant (tested): `WORDS`, `BIGRAMS` and `CJK` are strictly sorted by key.

/// What a keyword hints at. `Act` cues are instructions (verbs), `Topic` cues are
/// vocabulary of the domain; the decision weighs them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cue {
    None,
    Sum,
    CodeAct,
    CodeTopic,
    CodeSyntax,
    DataAct,
    DataTopic,
    MathAct,
    MathTopic,
    Chat,
    AgentProto,
}

/// Number of distinct cues (array size for counters).
pub(super) const CUES: usize = 11;

impl Cue {
    pub(super) fn index(self) -> usize {
        self as usize
    }
}

/// Bytes of a word that fit a [`WordKey`].
pub(super) const KEY_BYTES: usize = 24;

/// A word's bytes, little-endian in three `u64`s, zero-padded. Letters are
/// never zero, so the key also encodes the length.
pub(super) type WordKey = [u64; 3];

/// The key of a word of at most [`KEY_BYTES`] bytes (longer ones are cut; they
/// are never looked up).
pub(super) const fn key_of(w: &[u8]) -> WordKey {
    let mut key = [0u64; 3];
    let mut rest = w;
    let mut i = 0;
    while let [b, tail @ ..] = rest {
        if i >= KEY_BYTES {
            break;
        }
        let word = i / 8;
        key = match word {
            0 => [key[0] | ((*b as u64) << (8 * (i % 8))), key[1], key[2]],
            1 => [key[0], key[1] | ((*b as u64) << (8 * (i % 8))), key[2]],
            _ => [key[0], key[1], key[2] | ((*b as u64) << (8 * (i % 8)))],
        };
        rest = tail;
        i += 1;
    }
    key
}

/// The bytes of a key (the word followed by zeros).
pub(super) fn key_bytes(key: &WordKey) -> [u8; KEY_BYTES] {
    let mut out = [0u8; KEY_BYTES];
    for (chunk, word) in out.chunks_exact_mut(8).zip(key) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    out
}

/// Multipliers of the three words of a key in its hash.
pub(super) const HASH_MUL: [u64; 3] = [
    0x9E37_79B9_7F4A_7C15,
    0xBF58_476D_1CE4_E5B9,
    0x94D0_49BB_1331_11EB,
];

/// The hash of a key: a sum of products, so it can be built incrementally as
/// letters are OR-ed into the key (the bytes never overlap, so OR is a sum and
/// the product distributes); its top bits pick the slot (Fibonacci hashing).
pub(super) const fn hash_of(key: &WordKey) -> u64 {
    key[0]
        .wrapping_mul(HASH_MUL[0])
        .wrapping_add(key[1].wrapping_mul(HASH_MUL[1]))
        .wrapping_add(key[2].wrapping_mul(HASH_MUL[2]))
}

const fn slot_of(hash: u64) -> usize {
    (hash >> (64 - SLOT_BITS)) as usize
}

/// Bit of a hash in [`FILTER`].
const fn filter_bit(hash: u64) -> usize {
    (hash >> (64 - FILTER_BITS)) as usize
}

const SLOT_BITS: u32 = 11;
const SLOT_COUNT: usize = 1 << SLOT_BITS;
const SLOT_MASK: usize = SLOT_COUNT - 1;
/// Most words are not in the lexicon; a bitmap 8× as large as the slot table
/// (2 KB, 3% of it set) answers "no" without a probe and with a well
/// predicted branch.
const FILTER_BITS: u32 = 14;

/// Look up a word by its key and [`hash_of`] it: its cue and its lead id
/// (0 = none).
#[inline]
pub(super) fn word_key(key: &WordKey, hash: u64) -> (Cue, u8) {
    let bit = filter_bit(hash);
    let maybe = FILTER
        .get(bit / 64)
        .is_some_and(|w| w >> (bit % 64) & 1 != 0);
    if !maybe {
        return (Cue::None, 0);
    }
    let mut slot = slot_of(hash);
    for _ in 0..SLOT_COUNT {
        let index = match SLOTS.get(slot) {
            Some(&0) | None => return (Cue::None, 0),
            Some(&i) => usize::from(i) - 1,
        };
        if KEYS.get(index) == Some(key) {
            return WORDS.get(index).map_or((Cue::None, 0), |&(_, c, l)| (c, l));
        }
        slot = (slot + 1) & SLOT_MASK;
    }
    (Cue::None, 0)
}

/// [`word_key`] for a word given as bytes.
#[cfg(test)]
pub(super) fn word(w: &[u8]) -> (Cue, u8) {
    if w.len() > KEY_BYTES {
        return (Cue::None, 0);
    }
    let key = key_of(w);
    word_key(&key, hash_of(&key))
}

/// The cue of the bigram (lead word, this word), if any.
pub(super) fn bigram(lead: u8, w: &[u8]) -> Cue {
    match BIGRAMS.binary_search_by(|(l, k, _)| (*l, *k).cmp(&(lead, w))) {
        Ok(i) => BIGRAMS.get(i).map_or(Cue::None, |&(_, _, c)| c),
        Err(_) => Cue::None,
    }
}

/// Whether some CJK entry may end with the character `cp` (false positives
/// possible): most characters of a CJK text end none, and skip the searches.
#[inline]
pub(super) fn cjk_may_end(cp: u32) -> bool {
    let bit = (cp % CJK_LAST_BITS) as usize;
    CJK_LAST
        .get(bit / 64)
        .is_some_and(|w| w >> (bit % 64) & 1 != 0)
}

/// The cue of a packed CJK sequence (see [`k`]).
pub(super) fn cjk(key: u64) -> Cue {
    match CJK.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(i) => CJK.get(i).map_or(Cue::None, |&(_, c)| c),
        Err(_) => Cue::None,
    }
}

/// Pack up to three code points, 21 bits each, first character highest.
pub(super) const fn pack(prev2: u32, prev1: u32, c: u32) -> u64 {
    ((prev2 as u64) << 42) | ((prev1 as u64) << 21) | c as u64
}

/// The packed key of a short CJK string, at compile time. Decodes UTF-8 by hand
/// because `str::chars` is not `const`.
const fn k(s: &str) -> u64 {
    let mut rest = s.as_bytes();
    let mut key: u64 = 0;
    while let [lead, tail @ ..] = rest {
        let (mut cp, mut more) = if *lead < 0x80 {
            (*lead as u32, 0)
        } else if *lead < 0xE0 {
            ((*lead & 0x1F) as u32, 1)
        } else if *lead < 0xF0 {
            ((*lead & 0x0F) as u32, 2)
        } else {
            ((*lead & 0x07) as u32, 3)
        };
        rest = tail;
        while more > 0 {
            if let [b, t @ ..] = rest {
                cp = (cp << 6) | (*b & 0x3F) as u32;
                rest = t;
            }
            more -= 1;
        }
        key = (key << 21) | cp as u64;
    }
    key
}

#[rustfmt::skip]
pub(super) static WORDS: [(&[u8], Cue, u8); 541] = [
    (b"abstract", Cue::Sum, 0), (b"action", Cue::AgentProto, 0), (b"advice", Cue::Chat, 0), (b"aggregate", Cue::DataAct, 0),
    (b"aggregated", Cue::DataAct, 0), (b"aggregation", Cue::DataAct, 0), (b"analisa", Cue::DataAct, 0), (b"analise", Cue::DataAct, 0),
    (b"analiza", Cue::DataAct, 0), (b"analizar", Cue::DataAct, 0), (b"analyse", Cue::DataAct, 0), (b"analysed", Cue::DataAct, 0),
    (b"analyses", Cue::DataAct, 0), (b"analysez", Cue::DataAct, 0), (b"analysiere", Cue::DataAct, 0), (b"analysieren", Cue::DataAct, 0),
    (b"analysing", Cue::DataAct, 0), (b"analysis", Cue::DataAct, 0), (b"analytics", Cue::DataAct, 0), (b"analyze", Cue::DataAct, 0),
    (b"analyzed", Cue::DataAct, 0), (b"analyzing", Cue::DataAct, 0), (b"angles", Cue::MathTopic, 0), (b"angular", Cue::CodeTopic, 0),
    (b"anniversaire", Cue::Chat, 0), (b"anomalies", Cue::DataTopic, 0), (b"anomaly", Cue::DataTopic, 0), (b"api", Cue::CodeTopic, 0),
    (b"apis", Cue::CodeTopic, 0), (b"argv", Cue::CodeSyntax, 0), (b"array", Cue::CodeTopic, 0), (b"arrays", Cue::CodeTopic, 0),
    (b"async", Cue::CodeSyntax, 0), (b"attrition", Cue::DataTopic, 0), (b"average", Cue::DataTopic, 0), (b"averages", Cue::DataTopic, 0),
    (b"await", Cue::CodeSyntax, 0), (b"backend", Cue::CodeTopic, 0), (b"bash", Cue::CodeTopic, 0), (b"benchmark", Cue::DataAct, 0),
    (b"berechne", Cue::MathAct, 0), (b"berechnen", Cue::MathAct, 0), (b"beweise", Cue::MathAct, 0), (b"beweisen", Cue::MathAct, 0),
    (b"birthday", Cue::Chat, 0), (b"boil", Cue::None, 6), (b"bonjour", Cue::Chat, 0), (b"bool", Cue::CodeSyntax, 0),
    (b"boolean", Cue::CodeSyntax, 0), (b"breakdown", Cue::DataAct, 0), (b"bug", Cue::CodeTopic, 0), (b"bugs", Cue::CodeTopic, 0),
    (b"by", Cue::None, 9), (b"calcula", Cue::MathAct, 0), (b"calcular", Cue::MathAct, 0), (b"calculate", Cue::MathAct, 0),
    (b"calculating", Cue::MathAct, 0), (b"calculation", Cue::MathAct, 0), (b"calcule", Cue::MathAct, 0), (b"calculer", Cue::MathAct, 0),
    (b"career", Cue::Chat, 0), (b"chart", Cue::DataAct, 0), (b"charts", Cue::DataAct, 0), (b"churn", Cue::DataTopic, 0),
    (b"ciao", Cue::Chat, 0), (b"class", Cue::CodeTopic, 0), (b"classes", Cue::CodeTopic, 0), (b"cli", Cue::CodeTopic, 0),
    (b"closure", Cue::CodeTopic, 0), (b"closures", Cue::CodeTopic, 0), (b"cmake", Cue::CodeTopic, 0), (b"code", Cue::CodeTopic, 0),
    (b"codigo", Cue::CodeTopic, 0), (b"coding", Cue::CodeTopic, 0), (b"cohort", Cue::DataAct, 0), (b"cohorts", Cue::DataAct, 0),
    (b"column", Cue::DataTopic, 0), (b"columns", Cue::DataTopic, 0), (b"combinatorics", Cue::MathTopic, 0), (b"commit", Cue::CodeTopic, 0),
    (b"compile", Cue::CodeAct, 0), (b"compiled", Cue::CodeAct, 0), (b"compiler", Cue::CodeTopic, 0), (b"compiles", Cue::CodeAct, 0),
    (b"compiling", Cue::CodeAct, 0), (b"component", Cue::CodeTopic, 0), (b"components", Cue::CodeTopic, 0), (b"compute", Cue::MathAct, 0),
    (b"concurrency", Cue::CodeTopic, 0), (b"condense", Cue::Sum, 0), (b"condensed", Cue::Sum, 0), (b"conseille", Cue::Chat, 0),
    (b"conseiller", Cue::Chat, 0), (b"conseils", Cue::Chat, 0), (b"consigli", Cue::Chat, 0), (b"const", Cue::CodeSyntax, 0),
    (b"converge", Cue::MathTopic, 0), (b"convergence", Cue::MathTopic, 0), (b"converges", Cue::MathTopic, 0), (b"conversion", Cue::DataTopic, 0),
    (b"correlate", Cue::DataAct, 0), (b"correlation", Cue::DataAct, 0), (b"correlations", Cue::DataAct, 0), (b"cors", Cue::CodeTopic, 0),
    (b"cpp", Cue::CodeTopic, 0), (b"cron", Cue::CodeTopic, 0), (b"csat", Cue::DataTopic, 0), (b"csharp", Cue::CodeTopic, 0),
    (b"css", Cue::CodeTopic, 0), (b"csv", Cue::DataTopic, 0), (b"cumpleanos", Cue::Chat, 0), (b"dados", Cue::DataTopic, 0),
    (b"danke", Cue::Chat, 0), (b"data", Cue::DataTopic, 0), (b"dataframe", Cue::CodeTopic, 0), (b"dataset", Cue::DataTopic, 0),
    (b"datasets", Cue::DataTopic, 0), (b"daten", Cue::DataTopic, 0), (b"datos", Cue::DataTopic, 0), (b"debug", Cue::CodeAct, 0),
    (b"debugger", Cue::CodeTopic, 0), (b"debugging", Cue::CodeAct, 0), (b"def", Cue::CodeSyntax, 0), (b"degree", Cue::Chat, 0),
    (b"demontre", Cue::MathAct, 0), (b"demontrer", Cue::MathAct, 0), (b"demostrar", Cue::MathAct, 0), (b"demuestra", Cue::MathAct, 0),
    (b"demuestre", Cue::MathAct, 0), (b"deploy", Cue::CodeAct, 0), (b"derivative", Cue::MathTopic, 0), (b"derivatives", Cue::MathTopic, 0),
    (b"derive", Cue::MathAct, 0), (b"determinant", Cue::MathTopic, 0), (b"determine", Cue::MathAct, 0), (b"deviation", Cue::DataTopic, 0),
    (b"digest", Cue::Sum, 0), (b"distribution", Cue::DataTopic, 0), (b"div", Cue::CodeTopic, 0), (b"django", Cue::CodeTopic, 0),
    (b"docker", Cue::CodeTopic, 0), (b"dockerfile", Cue::CodeTopic, 0), (b"docstring", Cue::CodeTopic, 0), (b"donnees", Cue::DataTopic, 0),
    (b"dreieck", Cue::MathTopic, 0), (b"durchschnitt", Cue::DataTopic, 0), (b"ecuacion", Cue::MathTopic, 0), (b"ecuaciones", Cue::MathTopic, 0),
    (b"eigenvalue", Cue::MathTopic, 0), (b"eigenvalues", Cue::MathTopic, 0), (b"eigenvectors", Cue::MathTopic, 0), (b"elif", Cue::CodeSyntax, 0),
    (b"empfehlen", Cue::Chat, 0), (b"empfiehlst", Cue::Chat, 0), (b"encuesta", Cue::DataTopic, 0), (b"endpoint", Cue::CodeTopic, 0),
    (b"endpoints", Cue::CodeTopic, 0), (b"enum", Cue::CodeSyntax, 0), (b"equation", Cue::MathTopic, 0), (b"equations", Cue::MathTopic, 0),
    (b"estadistica", Cue::DataTopic, 0), (b"exception", Cue::CodeTopic, 0), (b"exceptions", Cue::CodeTopic, 0), (b"factorial", Cue::MathTopic, 0),
    (b"fasse", Cue::Sum, 0), (b"favorite", Cue::Chat, 0), (b"favourite", Cue::Chat, 0), (b"feel", Cue::Chat, 0),
    (b"feeling", Cue::Chat, 0), (b"film", Cue::Chat, 0), (b"final", Cue::None, 12), (b"flask", Cue::CodeTopic, 0),
    (b"fn", Cue::CodeSyntax, 0), (b"fonction", Cue::CodeTopic, 0), (b"fonctions", Cue::CodeTopic, 0), (b"forecast", Cue::DataAct, 0),
    (b"forecasting", Cue::DataAct, 0), (b"framework", Cue::CodeTopic, 0), (b"frontend", Cue::CodeTopic, 0), (b"fun", Cue::Chat, 0),
    (b"func", Cue::CodeSyntax, 0), (b"funcion", Cue::CodeTopic, 0), (b"funciones", Cue::CodeTopic, 0), (b"function", Cue::CodeTopic, 0),
    (b"functions", Cue::CodeTopic, 0), (b"funktion", Cue::CodeTopic, 0), (b"funktionen", Cue::CodeTopic, 0), (b"funnel", Cue::DataTopic, 0),
    (b"funny", Cue::Chat, 0), (b"geburtstag", Cue::Chat, 0), (b"gedicht", Cue::Chat, 0), (b"generics", Cue::CodeTopic, 0),
    (b"geometry", Cue::MathTopic, 0), (b"gift", Cue::Chat, 0), (b"gist", Cue::Sum, 0), (b"git", Cue::CodeTopic, 0),
    (b"github", Cue::CodeTopic, 0), (b"gleichung", Cue::MathTopic, 0), (b"gleichungssystem", Cue::MathTopic, 0), (b"golang", Cue::CodeTopic, 0),
    (b"goroutine", Cue::CodeTopic, 0), (b"goroutines", Cue::CodeTopic, 0), (b"gracias", Cue::Chat, 0), (b"gradle", Cue::CodeTopic, 0),
    (b"growth", Cue::DataTopic, 0), (b"haiku", Cue::Chat, 0), (b"hallo", Cue::Chat, 0), (b"haskell", Cue::CodeTopic, 0),
    (b"headcount", Cue::DataTopic, 0), (b"hello", Cue::Chat, 0), (b"hey", Cue::Chat, 0), (b"hi", Cue::Chat, 0),
    (b"highlights", Cue::Sum, 0), (b"hired", Cue::Chat, 0), (b"histogram", Cue::DataTopic, 0), (b"hola", Cue::Chat, 0),
    (b"honest", Cue::Chat, 0), (b"honestly", Cue::Chat, 0), (b"hooks", Cue::CodeTopic, 0), (b"how", Cue::None, 15),
    (b"html", Cue::CodeTopic, 0), (b"http", Cue::CodeTopic, 0), (b"https", Cue::CodeTopic, 0), (b"impl", Cue::CodeSyntax, 0),
    (b"implement", Cue::CodeAct, 0), (b"implementation", Cue::CodeAct, 0), (b"implementing", Cue::CodeAct, 0), (b"import", Cue::CodeSyntax, 0),
    (b"indexerror", Cue::CodeTopic, 0), (b"induction", Cue::MathTopic, 0), (b"infinitely", Cue::MathTopic, 0), (b"init", Cue::CodeSyntax, 0),
    (b"int", Cue::CodeSyntax, 0), (b"integer", Cue::MathTopic, 0), (b"integers", Cue::MathTopic, 0), (b"integral", Cue::MathTopic, 0),
    (b"integrals", Cue::MathTopic, 0), (b"interview", Cue::Chat, 0), (b"irrational", Cue::MathTopic, 0), (b"isinstance", Cue::CodeSyntax, 0),
    (b"itinerary", Cue::Chat, 0), (b"java", Cue::CodeTopic, 0), (b"javascript", Cue::CodeTopic, 0), (b"job", Cue::Chat, 0),
    (b"joke", Cue::Chat, 0), (b"jokes", Cue::Chat, 0), (b"jquery", Cue::CodeTopic, 0), (b"json", Cue::CodeTopic, 0),
    (b"junit", Cue::CodeTopic, 0), (b"jwt", Cue::CodeTopic, 0), (b"key", Cue::None, 4), (b"keyerror", Cue::CodeTopic, 0),
    (b"kotlin", Cue::CodeTopic, 0), (b"kpi", Cue::DataTopic, 0), (b"kpis", Cue::DataTopic, 0), (b"kubernetes", Cue::CodeTopic, 0),
    (b"kwargs", Cue::CodeSyntax, 0), (b"lambda", Cue::CodeSyntax, 0), (b"learn", Cue::Chat, 0), (b"lemma", Cue::MathTopic, 0),
    (b"len", Cue::CodeSyntax, 0), (b"letter", Cue::Chat, 0), (b"linter", Cue::CodeTopic, 0), (b"logarithm", Cue::MathTopic, 0),
    (b"lonely", Cue::Chat, 0), (b"loop", Cue::CodeTopic, 0), (b"loops", Cue::CodeTopic, 0), (b"lua", Cue::CodeTopic, 0),
    (b"main", Cue::None, 5), (b"makefile", Cue::CodeTopic, 0), (b"malloc", Cue::CodeSyntax, 0), (b"margin", Cue::DataTopic, 0),
    (b"margins", Cue::DataTopic, 0), (b"matrices", Cue::MathTopic, 0), (b"matrix", Cue::MathTopic, 0), (b"maven", Cue::CodeTopic, 0),
    (b"maximise", Cue::MathAct, 0), (b"maximize", Cue::MathAct, 0), (b"median", Cue::DataTopic, 0), (b"mediana", Cue::DataTopic, 0),
    (b"merci", Cue::Chat, 0), (b"method", Cue::CodeTopic, 0), (b"methods", Cue::CodeTopic, 0), (b"metrics", Cue::DataTopic, 0),
    (b"minimise", Cue::MathAct, 0), (b"minimize", Cue::MathAct, 0), (b"modulo", Cue::MathTopic, 0), (b"monthly", Cue::DataTopic, 0),
    (b"movie", Cue::Chat, 0), (b"moyenne", Cue::DataTopic, 0), (b"mutex", Cue::CodeTopic, 0), (b"mysql", Cue::CodeTopic, 0),
    (b"namespace", Cue::CodeSyntax, 0), (b"nginx", Cue::CodeTopic, 0), (b"nodejs", Cue::CodeTopic, 0), (b"npm", Cue::CodeTopic, 0),
    (b"nps", Cue::DataTopic, 0), (b"nullpointerexception", Cue::CodeTopic, 0), (b"nullptr", Cue::CodeSyntax, 0), (b"numpy", Cue::CodeTopic, 0),
    (b"oauth", Cue::CodeTopic, 0), (b"observation", Cue::AgentProto, 0), (b"ola", Cue::Chat, 0), (b"opinas", Cue::Chat, 0),
    (b"opinion", Cue::Chat, 0), (b"outlier", Cue::DataTopic, 0), (b"outliers", Cue::DataTopic, 0), (b"overview", Cue::Sum, 0),
    (b"pandas", Cue::CodeTopic, 0), (b"penses", Cue::Chat, 0), (b"percentile", Cue::DataTopic, 0), (b"perimeter", Cue::MathTopic, 0),
    (b"perl", Cue::CodeTopic, 0), (b"permutations", Cue::MathTopic, 0), (b"php", Cue::CodeTopic, 0), (b"pip", Cue::CodeTopic, 0),
    (b"pivot", Cue::DataAct, 0), (b"plot", Cue::DataAct, 0), (b"plotting", Cue::DataAct, 0), (b"podcast", Cue::Chat, 0),
    (b"podcasts", Cue::Chat, 0), (b"poem", Cue::Chat, 0), (b"poema", Cue::Chat, 0), (b"poeme", Cue::Chat, 0),
    (b"poems", Cue::Chat, 0), (b"poetry", Cue::Chat, 0), (b"pointer", Cue::CodeTopic, 0), (b"pointers", Cue::CodeTopic, 0),
    (b"polynomial", Cue::MathTopic, 0), (b"port", Cue::CodeAct, 0), (b"postgres", Cue::CodeTopic, 0), (b"postgresql", Cue::CodeTopic, 0),
    (b"powershell", Cue::CodeTopic, 0), (b"pretend", Cue::Chat, 0), (b"prime", Cue::MathTopic, 0), (b"primes", Cue::MathTopic, 0),
    (b"primzahl", Cue::MathTopic, 0), (b"primzahlen", Cue::MathTopic, 0), (b"printf", Cue::CodeSyntax, 0), (b"println", Cue::CodeSyntax, 0),
    (b"probabilidad", Cue::MathTopic, 0), (b"probabilite", Cue::MathTopic, 0), (b"probabilities", Cue::MathTopic, 0), (b"probability", Cue::MathTopic, 0),
    (b"profit", Cue::DataTopic, 0), (b"programa", Cue::CodeTopic, 0), (b"programm", Cue::CodeTopic, 0), (b"programme", Cue::CodeTopic, 0),
    (b"programmer", Cue::CodeTopic, 0), (b"programming", Cue::CodeTopic, 0), (b"promedio", Cue::DataTopic, 0), (b"proof", Cue::MathTopic, 0),
    (b"proofs", Cue::MathTopic, 0), (b"prove", Cue::MathAct, 0), (b"proves", Cue::MathAct, 0), (b"proving", Cue::MathAct, 0),
    (b"pull", Cue::None, 11), (b"puzzle", Cue::MathTopic, 0), (b"pytest", Cue::CodeTopic, 0), (b"python", Cue::CodeTopic, 0),
    (b"quadratic", Cue::MathTopic, 0), (b"quarterly", Cue::DataTopic, 0), (b"react", Cue::CodeTopic, 0), (b"recap", Cue::Sum, 0),
    (b"recapitulate", Cue::Sum, 0), (b"rechne", Cue::MathAct, 0), (b"rechnen", Cue::MathAct, 0), (b"recipe", Cue::Chat, 0),
    (b"recomienda", Cue::Chat, 0), (b"recomiendas", Cue::Chat, 0), (b"recommend", Cue::Chat, 0), (b"recommendation", Cue::Chat, 0),
    (b"recommendations", Cue::Chat, 0), (b"recurrence", Cue::MathTopic, 0), (b"recursion", Cue::CodeTopic, 0), (b"recursive", Cue::CodeTopic, 0),
    (b"refactor", Cue::CodeAct, 0), (b"refactoring", Cue::CodeAct, 0), (b"refactorisieren", Cue::CodeAct, 0), (b"refaktoriere", Cue::CodeAct, 0),
    (b"refaktorisieren", Cue::CodeAct, 0), (b"regex", Cue::CodeTopic, 0), (b"regexp", Cue::CodeTopic, 0), (b"regression", Cue::DataAct, 0),
    (b"remainder", Cue::MathTopic, 0), (b"repo", Cue::CodeTopic, 0), (b"repository", Cue::CodeTopic, 0), (b"resolver", Cue::MathAct, 0),
    (b"resoudre", Cue::MathAct, 0), (b"resous", Cue::MathAct, 0), (b"respondents", Cue::DataTopic, 0), (b"resuelve", Cue::MathAct, 0),
    (b"resuma", Cue::Sum, 0), (b"resume", Cue::Sum, 0), (b"resumelo", Cue::Sum, 0), (b"resumeme", Cue::Sum, 0),
    (b"resumen", Cue::Sum, 0), (b"resumer", Cue::Sum, 0), (b"resumez", Cue::Sum, 0), (b"resumir", Cue::Sum, 0),
    (b"resumo", Cue::Sum, 0), (b"retention", Cue::DataTopic, 0), (b"return", Cue::CodeSyntax, 0), (b"revenue", Cue::DataTopic, 0),
    (b"revenues", Cue::DataTopic, 0), (b"riassumi", Cue::Sum, 0), (b"riassunto", Cue::Sum, 0), (b"riddle", Cue::MathTopic, 0),
    (b"rows", Cue::DataTopic, 0), (b"ruby", Cue::CodeTopic, 0), (b"rust", Cue::CodeTopic, 0), (b"sales", Cue::DataTopic, 0),
    (b"scala", Cue::CodeTopic, 0), (b"script", Cue::CodeTopic, 0), (b"scripts", Cue::CodeTopic, 0), (b"sdk", Cue::CodeTopic, 0),
    (b"segfault", Cue::CodeTopic, 0), (b"segment", Cue::DataAct, 0), (b"segmentation", Cue::CodeTopic, 0), (b"shell", Cue::CodeTopic, 0),
    (b"short", Cue::None, 13), (b"shorten", Cue::Sum, 0), (b"shorter", Cue::Sum, 0), (b"significance", Cue::DataTopic, 0),
    (b"significant", Cue::DataTopic, 0), (b"simplify", Cue::MathAct, 0), (b"sintesis", Cue::Sum, 0), (b"sizeof", Cue::CodeSyntax, 0),
    (b"slogan", Cue::Chat, 0), (b"solution", Cue::MathTopic, 0), (b"solutions", Cue::MathTopic, 0), (b"solve", Cue::MathAct, 0),
    (b"solving", Cue::MathAct, 0), (b"sondage", Cue::DataTopic, 0), (b"spreadsheet", Cue::DataTopic, 0), (b"sql", Cue::CodeTopic, 0),
    (b"sqlite", Cue::CodeTopic, 0), (b"sqrt", Cue::MathTopic, 0), (b"ssl", Cue::CodeTopic, 0), (b"stack", Cue::None, 7),
    (b"stacktrace", Cue::CodeTopic, 0), (b"statistical", Cue::DataTopic, 0), (b"statistically", Cue::DataTopic, 0), (b"statistics", Cue::DataTopic, 0),
    (b"statistik", Cue::DataTopic, 0), (b"statistique", Cue::DataTopic, 0), (b"stderr", Cue::CodeTopic, 0), (b"stdin", Cue::CodeTopic, 0),
    (b"stdout", Cue::CodeTopic, 0), (b"str", Cue::CodeSyntax, 0), (b"struct", Cue::CodeSyntax, 0), (b"suggest", Cue::Chat, 0),
    (b"sum", Cue::None, 8), (b"summaries", Cue::Sum, 0), (b"summarisation", Cue::Sum, 0), (b"summarise", Cue::Sum, 0),
    (b"summarised", Cue::Sum, 0), (b"summarises", Cue::Sum, 0), (b"summarising", Cue::Sum, 0), (b"summarization", Cue::Sum, 0),
    (b"summarize", Cue::Sum, 0), (b"summarized", Cue::Sum, 0), (b"summarizes", Cue::Sum, 0), (b"summarizing", Cue::Sum, 0),
    (b"summary", Cue::Sum, 0), (b"survey", Cue::DataTopic, 0), (b"surveys", Cue::DataTopic, 0), (b"swift", Cue::CodeTopic, 0),
    (b"synopsis", Cue::Sum, 0), (b"syntax", Cue::CodeTopic, 0), (b"synthese", Cue::Sum, 0), (b"tabela", Cue::DataTopic, 0),
    (b"tabelle", Cue::DataTopic, 0), (b"tabla", Cue::DataTopic, 0), (b"tableau", Cue::DataTopic, 0), (b"tabulate", Cue::DataAct, 0),
    (b"tagline", Cue::Chat, 0), (b"takeaways", Cue::Sum, 0), (b"tendance", Cue::DataTopic, 0), (b"tendencia", Cue::DataTopic, 0),
    (b"teorema", Cue::MathTopic, 0), (b"terraform", Cue::CodeTopic, 0), (b"thank", Cue::Chat, 0), (b"thanks", Cue::Chat, 0),
    (b"theorem", Cue::MathTopic, 0), (b"theoreme", Cue::MathTopic, 0), (b"thought", Cue::AgentProto, 0), (b"thread", Cue::CodeTopic, 0),
    (b"threading", Cue::CodeTopic, 0), (b"threads", Cue::CodeTopic, 0), (b"tipps", Cue::Chat, 0), (b"tips", Cue::Chat, 0),
    (b"tl", Cue::None, 1), (b"tldr", Cue::Sum, 0), (b"tls", Cue::CodeTopic, 0), (b"toast", Cue::Chat, 0),
    (b"traceback", Cue::CodeTopic, 0), (b"translate", Cue::Chat, 0), (b"travel", Cue::Chat, 0), (b"trend", Cue::DataTopic, 0),
    (b"trends", Cue::DataTopic, 0), (b"triangle", Cue::MathTopic, 0), (b"triangulo", Cue::MathTopic, 0), (b"trip", Cue::Chat, 0),
    (b"typeerror", Cue::CodeTopic, 0), (b"typeof", Cue::CodeSyntax, 0), (b"typescript", Cue::CodeTopic, 0), (b"umfrage", Cue::DataTopic, 0),
    (b"umfrageergebnisse", Cue::DataTopic, 0), (b"umsatz", Cue::DataTopic, 0), (b"unit", Cue::None, 10), (b"unittest", Cue::CodeTopic, 0),
    (b"unix", Cue::CodeTopic, 0), (b"url", Cue::CodeTopic, 0), (b"useeffect", Cue::CodeSyntax, 0), (b"usestate", Cue::CodeSyntax, 0),
    (b"vacation", Cue::Chat, 0), (b"valueerror", Cue::CodeTopic, 0), (b"var", Cue::CodeSyntax, 0), (b"variable", Cue::CodeTopic, 0),
    (b"variables", Cue::CodeTopic, 0), (b"variance", Cue::DataTopic, 0), (b"vendas", Cue::DataTopic, 0), (b"ventas", Cue::DataTopic, 0),
    (b"visualise", Cue::DataAct, 0), (b"visualization", Cue::DataAct, 0), (b"visualize", Cue::DataAct, 0), (b"void", Cue::CodeSyntax, 0),
    (b"vue", Cue::CodeTopic, 0), (b"wahrscheinlichkeit", Cue::MathTopic, 0), (b"webpack", Cue::CodeTopic, 0), (b"websocket", Cue::CodeTopic, 0),
    (b"wedding", Cue::Chat, 0), (b"what", Cue::None, 14), (b"winkel", Cue::MathTopic, 0), (b"xml", Cue::CodeTopic, 0),
    (b"yaml", Cue::CodeTopic, 0), (b"you", Cue::None, 2), (b"your", Cue::None, 3), (b"zusammenfassen", Cue::Sum, 0),
    (b"zusammenfassung", Cue::Sum, 0),
];

#[rustfmt::skip]
pub(super) static BIGRAMS: [(u8, &[u8], Cue); 29] = [
    (1, b"dr", Cue::Sum), (2, b"feel", Cue::Chat), (2, b"think", Cue::Chat),
    (3, b"opinion", Cue::Chat), (3, b"take", Cue::Chat), (3, b"thoughts", Cue::Chat),
    (3, b"view", Cue::Chat), (4, b"arguments", Cue::Sum), (4, b"findings", Cue::Sum),
    (4, b"points", Cue::Sum), (4, b"takeaways", Cue::Sum), (5, b"arguments", Cue::Sum),
    (5, b"events", Cue::Sum), (5, b"ideas", Cue::Sum), (5, b"points", Cue::Sum),
    (6, b"down", Cue::Sum), (7, b"trace", Cue::CodeTopic), (8, b"up", Cue::Sum),
    (9, b"step", Cue::MathTopic), (10, b"test", Cue::CodeTopic), (10, b"tests", Cue::CodeTopic),
    (11, b"request", Cue::CodeTopic), (12, b"answer", Cue::AgentProto), (13, b"version", Cue::Sum),
    (14, b"happened", Cue::Sum), (15, b"fast", Cue::MathTopic), (15, b"long", Cue::MathTopic),
    (15, b"many", Cue::MathTopic), (15, b"much", Cue::MathTopic),
];

#[rustfmt::skip]
pub(super) static CJK: [(u64, Cue); 96] = [
    (k("バグ"), Cue::CodeTopic), (k("代码"), Cue::CodeTopic), (k("你好"), Cue::Chat),
    (k("傾向"), Cue::DataTopic), (k("几何"), Cue::MathTopic), (k("函数"), Cue::CodeTopic),
    (k("分析"), Cue::DataAct), (k("单例"), Cue::CodeTopic), (k("图表"), Cue::DataAct),
    (k("売上"), Cue::DataTopic), (k("定理"), Cue::MathTopic), (k("实现"), Cue::CodeAct),
    (k("実装"), Cue::CodeTopic), (k("平均"), Cue::DataTopic), (k("建议"), Cue::Chat),
    (k("归纳"), Cue::Sum), (k("总括"), Cue::Sum), (k("总结"), Cue::Sum),
    (k("报表"), Cue::DataTopic), (k("报错"), Cue::CodeTopic), (k("推荐"), Cue::Chat),
    (k("摘要"), Cue::Sum), (k("数据"), Cue::DataTopic), (k("方程"), Cue::MathTopic),
    (k("旅行"), Cue::Chat), (k("概括"), Cue::Sum), (k("概率"), Cue::MathTopic),
    (k("求解"), Cue::MathAct), (k("生日"), Cue::Chat), (k("確率"), Cue::MathTopic),
    (k("祝福"), Cue::Chat), (k("程序"), Cue::CodeTopic), (k("算法"), Cue::CodeTopic),
    (k("統計"), Cue::DataAct), (k("统计"), Cue::DataAct), (k("编程"), Cue::CodeTopic),
    (k("脚本"), Cue::CodeTopic), (k("要点"), Cue::Sum), (k("要約"), Cue::Sum),
    (k("觉得"), Cue::Chat), (k("計算"), Cue::MathAct), (k("証明"), Cue::MathAct),
    (k("计算"), Cue::MathAct), (k("证明"), Cue::MathAct), (k("调试"), Cue::CodeAct),
    (k("趋势"), Cue::DataTopic), (k("重构"), Cue::CodeAct), (k("销售"), Cue::DataTopic),
    (k("関数"), Cue::CodeTopic), (k("集計"), Cue::DataAct), (k("계산"), Cue::MathAct),
    (k("구현"), Cue::CodeTopic), (k("매출"), Cue::DataTopic), (k("버그"), Cue::CodeTopic),
    (k("분석"), Cue::DataAct), (k("선물"), Cue::Chat), (k("소수"), Cue::MathTopic),
    (k("안녕"), Cue::Chat), (k("에러"), Cue::CodeTopic), (k("여행"), Cue::Chat),
    (k("요약"), Cue::Sum), (k("정리"), Cue::Sum), (k("조언"), Cue::Chat),
    (k("증명"), Cue::MathAct), (k("추이"), Cue::DataTopic), (k("추천"), Cue::Chat),
    (k("코드"), Cue::CodeTopic), (k("통계"), Cue::DataAct), (k("평균"), Cue::DataTopic),
    (k("풀어"), Cue::MathAct), (k("함수"), Cue::CodeTopic), (k("핵심"), Cue::Sum),
    (k("확률"), Cue::MathTopic), (k("ありが"), Cue::Chat), (k("こんに"), Cue::Chat),
    (k("すすめ"), Cue::Chat), (k("まとめ"), Cue::Sum), (k("アンケ"), Cue::DataTopic),
    (k("クエリ"), Cue::CodeTopic), (k("グラフ"), Cue::DataTopic), (k("コンポ"), Cue::CodeTopic),
    (k("コード"), Cue::CodeTopic), (k("スクリ"), Cue::CodeTopic), (k("データ"), Cue::DataTopic),
    (k("プログ"), Cue::CodeTopic), (k("三角形"), Cue::MathTopic), (k("思いま"), Cue::Chat),
    (k("無理数"), Cue::MathTopic), (k("解いて"), Cue::MathAct), (k("그래프"), Cue::DataTopic),
    (k("데이터"), Cue::DataTopic), (k("방정식"), Cue::MathTopic), (k("스크립"), Cue::CodeTopic),
    (k("캠페인"), Cue::DataTopic), (k("파이썬"), Cue::CodeTopic), (k("프로그"), Cue::CodeTopic),
];

// The tables below are built by `const` evaluation, where a bad index would
// be a build error; they use slice patterns and `split_at_checked` because
// indexing is not allowed in this crate.

/// The keys of `WORDS`, in the same order.
static KEYS: [WordKey; WORDS.len()] = {
    let mut keys = [[0u64; 3]; WORDS.len()];
    let mut out: &mut [WordKey] = &mut keys;
    let mut words: &[(&[u8], Cue, u8)] = &WORDS;
    while let ([key, out_tail @ ..], [(w, _, _), words_tail @ ..]) = (out, words) {
        *key = key_of(w);
        out = out_tail;
        words = words_tail;
    }
    keys
};

/// Open-addressing index over `WORDS` (linear probing; 0 = empty, else index
/// + 1); `every_word_is_found` checks it.
static SLOTS: [u16; SLOT_COUNT] = {
    let mut slots = [0u16; SLOT_COUNT];
    let mut keys: &[WordKey] = &KEYS;
    let mut index = 1u16;
    while let [key, tail @ ..] = keys {
        let mut slot = slot_of(hash_of(key));
        while let Some((_, [taken, ..])) = slots.split_at_checked(slot) {
            if *taken == 0 {
                break;
            }
            slot = (slot + 1) & SLOT_MASK;
        }
        if let Some((_, [free, ..])) = slots.split_at_mut_checked(slot) {
            *free = index;
        }
        index += 1;
        keys = tail;
    }
    slots
};

/// One bit per [`filter_bit`] of a lexicon word.
static FILTER: [u64; (1 << FILTER_BITS) / 64] = {
    let mut bits = [0u64; (1 << FILTER_BITS) / 64];
    let mut keys: &[WordKey] = &KEYS;
    while let [key, tail @ ..] = keys {
        let bit = filter_bit(hash_of(key));
        if let Some((_, [word, ..])) = bits.split_at_mut_checked(bit / 64) {
            *word |= 1 << (bit % 64);
        }
        keys = tail;
    }
    bits
};

const CJK_LAST_BITS: u32 = 1024;

/// Bit `c % 1024` of the last character `c` of every `CJK` entry.
static CJK_LAST: [u64; CJK_LAST_BITS as usize / 64] = {
    let mut bits = [0u64; CJK_LAST_BITS as usize / 64];
    let mut entries: &[(u64, Cue)] = &CJK;
    while let [(key, _), tail @ ..] = entries {
        let bit = ((*key & 0x1F_FFFF) % CJK_LAST_BITS as u64) as usize;
        if let Some((_, [word, ..])) = bits.split_at_mut_checked(bit / 64) {
            *word |= 1 << (bit % 64);
        }
        entries = tail;
    }
    bits
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_strictly_sorted() {
        assert!(WORDS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(BIGRAMS
            .windows(2)
            .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
        assert!(CJK.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn every_word_is_found_through_the_hash_index() {
        for (w, cue, lead) in WORDS {
            assert_eq!(word(w), (cue, lead), "{}", String::from_utf8_lossy(w));
        }
        let filled = SLOTS.iter().filter(|&&s| s != 0).count();
        assert_eq!(filled, WORDS.len());
        assert!(WORDS.iter().all(|(w, _, _)| w.len() <= KEY_BYTES));
        // The mix spreads the words: short probe sequences.
        let probes: usize = KEYS
            .iter()
            .map(|k| {
                let mut slot = slot_of(hash_of(k));
                let mut n = 1;
                while KEYS[usize::from(SLOTS[slot]) - 1] != *k {
                    slot = (slot + 1) & SLOT_MASK;
                    n += 1;
                }
                n
            })
            .sum();
        assert!(probes < WORDS.len() * 3 / 2, "{probes}");
    }

    #[test]
    fn lookups_find_words_bigrams_and_cjk() {
        assert_eq!(word(b"summarize").0, Cue::Sum);
        assert_eq!(word(b"zzz"), (Cue::None, 0));
        let (_, lead) = word(b"tl");
        assert_eq!(bigram(lead, b"dr"), Cue::Sum);
        assert_eq!(cjk(pack(0, '总' as u32, '结' as u32)), Cue::Sum);
        assert!(CJK
            .iter()
            .all(|(key, _)| cjk_may_end((key & 0x1F_FFFF) as u32)));
        assert_eq!(cjk(pack('ま' as u32, 'と' as u32, 'め' as u32)), Cue::Sum);
    }
}
