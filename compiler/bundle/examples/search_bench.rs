//! Measures the search index on 10,000 synthetic Japanese pages: JSON size, build time,
//! memory after loading, and average query time. Numbers are printed, never asserted.
//!
//! Run with `cargo run --release -p bundle --example search_bench`. The index is written to
//! a temporary file and loaded by a second run of this program (`--load <file>`), so the
//! memory figures are those of a fresh process that only holds the index, like the runtime.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use bundle::search::{Document, SearchIndex, normalize};

const DOCS: usize = 10_000;
const BODY_CHARS: usize = 600;
const QUERIES: usize = 2_000;

/// Words typical of childcare pages.
const DOMAIN: &[&str] = &[
    "予防接種",
    "乳幼児健診",
    "離乳食",
    "保育園",
    "児童手当",
    "母子健康手帳",
    "おむつ",
    "ミルク",
    "発熱",
    "夜泣き",
    "一時預かり",
    "子育て支援センター",
    "申請",
    "窓口",
    "市役所",
    "必要書類",
    "対象",
    "期間",
    "費用",
    "助成",
    "妊婦健診",
    "出産",
    "育児相談",
    "医療費",
    "学童保育",
    "ワクチン",
    "ベビーカー",
    "図書館",
    "児童館",
    "相談窓口",
    "受診票",
    "乳児",
    "幼児",
    "母乳",
];
const KANA_WORDS: &[&str] = &[
    "こども",
    "あかちゃん",
    "おかあさん",
    "おとうさん",
    "ときどき",
    "かならず",
    "いっしょに",
    "すこし",
    "まいにち",
    "おしらせ",
    "センター",
    "サービス",
    "ポイント",
    "カード",
    "メール",
];
const PARTICLES: &[&str] = &["は", "が", "を", "に", "で", "と", "の", "から", "まで", "も", "や"];
const ENDINGS: &[&str] = &[
    "します。",
    "できます。",
    "してください。",
    "があります。",
    "になります。",
    "しましょう。",
    "です。",
    "ません。",
    "をご確認ください。",
    "へお問い合わせください。",
];
/// Common kanji from which random two-character words are drawn.
const KANJI: &str = "日一国会人年大十二本中長出三同時政事自行社見月分議後前民生連五発間対上部東者\
党地合市業内相方四定今回新場金員九入選立開手米力学問高代明実円関決子動京全目表戦経通外最言氏現\
理調体化田当八六約主題下首意法不来作性的要用制治度務強気小七成期公持野協取都和統以機平総加山思\
家話世受区領多県続進正安設保改数記院女初北午指権心界支第産結百派点教報済書府活原先共得解名交資予\
川向際査勝面委告軍文反元重近千考判認画海参売利組知案道信策集在件団別物側任引使求所次水半品昨論計\
死官増係感特情投示変打男基私各始島直両朝革価式確村提運終挙果西勢減台広容必応演電歳住争談能無再位\
置企真流格有疑口過局少放税検藤町常校料沢裁状工建語球営空職証土与急止送援供可役構木割聞身費付施切\
由説転食比難防補車優夫研収断井何南石足違消境神番規術護展態導鮮備宅害配副算視条幹独警宮究育席輸訪";

/// A small deterministic xorshift generator, so every run indexes the same pages.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Skewed towards small indices, like word frequencies.
    fn skewed(&mut self, n: usize) -> usize {
        let a = self.below(n);
        let b = self.below(n);
        a * b / n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The synthetic vocabulary: domain words plus 3,000 random kanji compounds.
struct Vocabulary {
    kanji: Vec<char>,
    compounds: Vec<String>,
}

impl Vocabulary {
    fn new(rng: &mut Rng) -> Self {
        let kanji: Vec<char> = KANJI.chars().collect();
        let compounds = (0..3_000)
            .map(|_| (0..2 + rng.below(2)).map(|_| kanji[rng.skewed(kanji.len())]).collect())
            .collect();
        Vocabulary { kanji, compounds }
    }

    fn word(&self, rng: &mut Rng) -> String {
        match rng.below(10) {
            0..=2 => rng.pick(DOMAIN).to_string(),
            3..=4 => rng.pick(KANA_WORDS).to_string(),
            5 => self.kanji[rng.below(self.kanji.len())].to_string(),
            _ => self.compounds[rng.skewed(self.compounds.len())].clone(),
        }
    }

    fn sentence(&self, rng: &mut Rng) -> String {
        let mut text = String::new();
        for _ in 0..2 + rng.below(4) {
            text += &self.word(rng);
            text += rng.pick(PARTICLES);
        }
        text += &self.word(rng);
        text += rng.pick(ENDINGS);
        text
    }

    fn reading(rng: &mut Rng) -> String {
        (0..4 + rng.below(3))
            .map(|_| char::from_u32(0x3042 + rng.below(80) as u32).unwrap())
            .collect()
    }

    fn page(&self, rng: &mut Rng) -> Page {
        let title = format!("{}の{}", self.word(rng), rng.pick(DOMAIN));
        // A keyword of one kanji makes its page match every question containing that kanji;
        // staff use such keywords sparingly (熱, 咳), so the synthetic pages have none.
        let compound = self.compounds[rng.skewed(self.compounds.len())].clone();
        let keywords = vec![rng.pick(DOMAIN).to_string(), Self::reading(rng), compound];
        let summary = self.sentence(rng);
        let mut body = String::new();
        while body.chars().count() < BODY_CHARS {
            body += &self.sentence(rng);
        }
        Page { title, keywords, summary, body }
    }
}

struct Page {
    title: String,
    keywords: Vec<String>,
    summary: String,
    body: String,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.as_slice() {
        [_, flag, path] if flag == "--load" => load(path),
        _ => bench(),
    }
}

fn bench() {
    let mut rng = Rng(0x5eed_0ca1c0);
    let vocabulary = Vocabulary::new(&mut rng);
    let pages: Vec<Page> = (0..DOCS).map(|_| vocabulary.page(&mut rng)).collect();
    let docs: Vec<Document<'_>> = pages
        .iter()
        .map(|p| Document {
            title: &p.title,
            keywords: &p.keywords,
            summary: &p.summary,
            body: &p.body,
        })
        .collect();
    let body_chars: usize = pages.iter().map(|p| p.body.chars().count()).sum();
    println!("pages: {DOCS}, average body: {} chars", body_chars / DOCS);
    println!("example title: {} / keywords: {:?}", pages[0].title, pages[0].keywords);

    let start = Instant::now();
    let index = SearchIndex::build(&docs);
    println!("build: {:.0} ms", ms(start.elapsed()));
    let start = Instant::now();
    let json = serde_json::to_string(&index).expect("serialise index");
    println!("serialise: {:.0} ms", ms(start.elapsed()));
    println!("index JSON: {} bytes ({:.2} MB)", json.len(), json.len() as f64 / 1e6);
    let value: serde_json::Value = serde_json::from_str(&json).expect("reparse");
    for field in ["labels", "grams", "postings"] {
        println!(
            "  {field}: {} bytes",
            serde_json::to_string(&value[field]).unwrap_or_default().len()
        );
    }
    println!(
        "  distinct grams: {}",
        value["grams"].as_str().unwrap_or_default().chars().count() / 2
    );
    let (head, body) = pages.iter().map(posting_count).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let blob = value["postings"].as_str().unwrap_or_default().len() * 3 / 4;
    println!(
        "  postings: {head} head + {body} body, {blob} blob bytes = {:.2} bytes/posting",
        blob as f64 / (head + body) as f64
    );
    println!("build process peak RSS: {}", proc_status("VmHWM"));

    let path = std::env::temp_dir().join("oyako_search_bench.json");
    std::fs::write(&path, &json).expect("write index");
    drop((json, value, index));
    let exe = std::env::current_exe().expect("own path");
    let status = std::process::Command::new(exe).arg("--load").arg(&path).status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("load run failed");
    }
    std::fs::remove_file(&path).ok();
}

fn load(path: &str) {
    println!("--- fresh process ---");
    println!("RSS at start: {}", proc_status("VmRSS"));
    let bytes = std::fs::read(path).expect("read index");
    let start = Instant::now();
    let index: SearchIndex = serde_json::from_slice(&bytes).expect("parse index");
    println!("load (parse + decode): {:.0} ms", ms(start.elapsed()));
    drop(bytes);
    println!("RSS holding only the index: {}", proc_status("VmRSS"));
    println!("peak RSS while loading (file bytes + index): {}", proc_status("VmHWM"));

    let queries = queries();
    let start = Instant::now();
    let mut answered = 0;
    for query in &queries {
        answered += usize::from(!index.query(query, 5).is_empty());
    }
    let elapsed = start.elapsed();
    println!(
        "queries: {}, answered: {answered}, average: {:.1} µs",
        queries.len(),
        ms(elapsed) * 1000.0 / queries.len() as f64
    );
    for query in ["予防接種", "健診いつ？", "おむつはどこでもらえますか", "熱", "今日の天気"]
    {
        let start = Instant::now();
        let hits = index.query(query, 5);
        println!("  {query}: {} hits in {:.1} µs", hits.len(), ms(start.elapsed()) * 1000.0);
    }
}

/// A mix of words, question forms, single characters, nonsense and a 5,000-character paste.
fn queries() -> Vec<String> {
    let mut rng = Rng(0x0ddba11);
    let vocabulary = Vocabulary::new(&mut rng);
    let mut queries = Vec::with_capacity(QUERIES);
    while queries.len() < QUERIES {
        let query = match rng.below(6) {
            0 => format!("{}いつ？", rng.pick(DOMAIN)),
            1 => format!("{}について教えてください", vocabulary.word(&mut rng)),
            2 => vocabulary.sentence(&mut rng),
            3 => vocabulary.kanji[rng.below(vocabulary.kanji.len())].to_string(),
            4 => "今日の天気".to_string(),
            _ => vocabulary.word(&mut rng),
        };
        queries.push(query);
    }
    queries.push(vocabulary.sentence(&mut rng).repeat(200));
    queries
}

/// Head (title, keyword, summary) and body postings a page contributes, recomputed here with
/// the public `normalize` (the body is short enough to be indexed whole).
fn posting_count(page: &Page) -> (usize, usize) {
    let grams = |text: &str| -> BTreeSet<[char; 2]> {
        let chars: Vec<char> = normalize(text).chars().collect();
        chars.windows(2).map(|w| [w[0], w[1]]).collect()
    };
    let mut head = grams(&page.title);
    head.extend(grams(&page.summary));
    for keyword in &page.keywords {
        head.extend(grams(keyword));
    }
    (head.len(), grams(&page.body).len())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A line of `/proc/self/status` such as `VmRSS` ("n/a" where unavailable).
fn proc_status(key: &str) -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix(':'));
    line.map_or_else(|| "n/a".to_string(), |v| v.trim().to_string())
}
