//! Reading `content/` from disk into a [`Site`], collecting every problem on the way.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use jiff::civil::Date;
use rayon::prelude::*;
use walkdir::WalkDir;

use super::fields::{date, event, image, link};
use super::file::FileCx;
use super::front_matter::{self, FrontMatter};
use super::placeholder;
use super::tree::{link_tree, report_empty_sections};
use super::{Account, MAX_SECTION_DEPTH, Page, Section, Site, Source, TIMED_TEXTS_DIR};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceMap};
use crate::markdown;

/// Settings that change what is loaded.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Pages whose `expires` is before this day are left out.
    pub today: Date,
}

/// Loads and checks the content directory: the site as far as it could be read, and every
/// problem found.
///
/// A file with mistakes is kept as far as it is readable, and a file that cannot be read at
/// all is replaced by a placeholder (see [`super::placeholder`]), so the checks that need the
/// whole site — links, images, the three-tap rule, LINE's limits — still run on everything
/// else: one run reports every mistake instead of one round at a time. The caller must not
/// write a bundle while the diagnostics hold an error.
pub fn load(dir: &Path, opts: &LoadOptions) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::default();
    let files = list_files(dir, &mut diags);
    let assets = list_assets(dir);
    type Loaded = Result<(Parsed, Diagnostics), Diagnostics>;
    let parsed: Vec<(String, Loaded)> =
        files.par_iter().map(|rel| (rel.clone(), parse_file(dir, rel, &assets, opts))).collect();
    let mut account = None;
    let mut sections = BTreeMap::new();
    // Folders holding a file that failed to load: not reported again as empty.
    let mut failed = std::collections::BTreeSet::new();
    let mut pages = BTreeMap::new();
    for (rel, result) in parsed {
        match result {
            Ok((Parsed::Account(a), w)) => {
                account = Some(*a);
                diags.extend(w);
            }
            Ok((Parsed::Section(s), w)) => {
                sections.insert(s.path.clone(), *s);
                diags.extend(w);
            }
            Ok((Parsed::Page(p), w)) => {
                pages.insert(p.path.clone(), *p);
                diags.extend(w);
            }
            // A left-out page (draft, expired) still reports its errors, not its warnings.
            Ok((Parsed::Skipped, w)) => w
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .for_each(|d| diags.push(d.clone())),
            Err(d) => {
                diags.extend(d);
                failed
                    .insert(rel.rsplit_once('/').map_or(String::new(), |(dir, _)| dir.to_string()));
                // A placeholder keeps links to the file and its folder's pages from being
                // reported as a second, misleading mistake.
                match section_path(&rel) {
                    Some(path) if path.is_empty() => account = Some(placeholder::account(dir)),
                    Some(path) => {
                        sections.insert(path.clone(), placeholder::section(dir, &rel, path));
                    }
                    None => {
                        let p = placeholder::page(dir, &rel);
                        pages.insert(p.path.clone(), p);
                    }
                }
            }
        }
    }
    let account = account.unwrap_or_else(|| {
        diags.push(
            Diagnostic::error(
                &dir.join("_index.md"),
                (1, 1),
                "アカウント設定のファイルがありません",
            )
            .with_hint(
                "content/_index.md を作り、title と fallback、本文にあいさつを書いてください",
            ),
        );
        placeholder::account(dir)
    });
    sections.insert(
        String::new(),
        Section {
            path: String::new(),
            title: account.title.clone(),
            summary: None,
            order: None,
            image: None,
            schedule: None,
            intro: Vec::new(),
            children: Vec::new(),
            source: account.source.clone(),
        },
    );
    let mut site = Site {
        account,
        sections,
        pages,
        assets: assets.into_iter().map(|a| (a.clone(), dir.join("assets").join(&a))).collect(),
        templates_dir: Some(dir.join("_templates")).filter(|p| p.is_dir()),
        today: opts.today,
    };
    link_tree(&mut site, dir, &mut diags);
    report_empty_sections(&site, &failed, &mut diags);
    (site, diags)
}

enum Parsed {
    Account(Box<Account>),
    Section(Box<Section>),
    Page(Box<Page>),
    Skipped,
}

/// Markdown files relative to `dir`, sorted, `/`-separated.
fn list_files(dir: &Path, diags: &mut Diagnostics) -> Vec<String> {
    let mut out = Vec::new();
    let walker = WalkDir::new(dir).sort_by_file_name().into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0
            || !(name.starts_with('.')
                || (e.depth() == 1
                    && (name == "assets" || name == "_templates" || name == TIMED_TEXTS_DIR)))
    });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let reason = e.io_error().map_or("読み込めません", crate::diagnostics::io_reason);
                diags.push(Diagnostic::error(
                    dir,
                    (1, 1),
                    format!("フォルダを読み込めません（{reason}）"),
                ));
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(dir) else { continue };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let is_md = entry.file_type().is_file() && rel.ends_with(".md");
        if is_md && rel != "README.md" {
            out.push(rel);
        }
    }
    out
}

/// Files under `assets/`, relative to it.
fn list_assets(dir: &Path) -> Vec<String> {
    let assets = dir.join("assets");
    let mut out: Vec<String> = WalkDir::new(&assets)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| {
            e.path().strip_prefix(&assets).ok().map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    out.sort();
    out
}

/// `a/b/_index.md` → `a/b`; `_index.md` → `""`; pages → None.
fn section_path(rel: &str) -> Option<String> {
    match rel.strip_suffix("_index.md")? {
        "" => Some(String::new()),
        dir => Some(dir.trim_end_matches('/').to_string()),
    }
}

fn parse_file(
    dir: &Path,
    rel: &str,
    assets: &[String],
    opts: &LoadOptions,
) -> Result<(Parsed, Diagnostics), Diagnostics> {
    let file = dir.join(rel);
    let text = fs::read_to_string(&file).map_err(|e| {
        let mut d = Diagnostics::default();
        d.push(
            Diagnostic::error(
                &file,
                (1, 1),
                format!("ファイルを読めません（{}）", crate::diagnostics::io_reason(&e)),
            )
            .with_hint("文字コードは UTF-8 で保存してください"),
        );
        d
    })?;
    let split = match front_matter::split(&text) {
        Ok(s) => s,
        Err(e) => {
            let (msg, hint) = match e {
                front_matter::SplitError::Missing => (
                    "ファイルの先頭に front matter（--- で囲んだ設定）がありません",
                    "1行目を --- にし、title: などを書いて、もう一度 --- の行で閉じてください",
                ),
                front_matter::SplitError::Unclosed => (
                    "front matter が --- の行で閉じられていません",
                    "設定の終わりに --- だけの行を入れてください",
                ),
            };
            let mut d = Diagnostics::default();
            d.push(Diagnostic::error(&file, (1, 1), msg).with_hint(hint));
            return Err(d);
        }
    };
    let mut cx = FileCx {
        dir,
        file: file.clone(),
        map: SourceMap::new(&text),
        split,
        diags: Diagnostics::default(),
        failed_keys: Vec::new(),
    };
    check_file_name(&mut cx, rel);
    for (line, key) in front_matter::unknown_keys(split.yaml) {
        let hint = front_matter::did_you_mean(&key)
            .map(|k| format!("「{k}」のまちがいではありませんか？"));
        cx.error(
            (split.yaml_line + line, 1),
            format!("知らない設定「{key}」があります"),
            hint.as_deref(),
        );
    }
    let parsed = front_matter::parse(split.yaml, split.yaml_line);
    for e in &parsed.errors {
        let hint = match unquoted_at_sign(split.yaml, e.line.saturating_sub(split.yaml_line)) {
            true => "@ で始まる値は line_id: \"@216ruxyz\" のように \"…\" で囲んでください",
            false => e.hint.as_str(),
        };
        cx.error((e.line, e.column), e.message.clone(), Some(hint));
    }
    cx.failed_keys = parsed.failed_keys;
    let fm = parsed.front_matter;
    let source = Source { file: file.clone(), text: text.clone(), body_offset: split.body_offset };
    let parsed = match section_path(rel) {
        Some(path) if path.is_empty() => Parsed::Account(Box::new(account(&mut cx, fm, source))),
        Some(path) => Parsed::Section(Box::new(section(&mut cx, fm, path, assets, source))),
        None => page(&mut cx, fm, rel, assets, opts, source),
    };
    Ok((parsed, cx.diags))
}

/// Whether line `index` of the YAML has a value starting with `@`, which YAML reserves: a
/// LINE ID written without quotes (`line_id: @216ruxyz`) is the likely mistake.
fn unquoted_at_sign(yaml: &str, index: usize) -> bool {
    yaml.lines()
        .nth(index)
        .and_then(|l| l.split_once(':'))
        .is_some_and(|(_, v)| v.trim_start().starts_with('@'))
}

fn check_file_name(cx: &mut FileCx<'_>, rel: &str) {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name.starts_with('_') && name != "_index.md" {
        cx.error(
            (1, 1),
            format!("「{name}」: _ で始まるファイル名は予約されています"),
            Some("ページなら _ を外した名前に、セクションなら _index.md にしてください"),
        );
    }
    let stem = rel.trim_end_matches(".md");
    if !stem.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_/".contains(c)) {
        cx.error(
            (1, 1),
            format!("ファイル名・フォルダ名「{rel}」に使えない文字があります"),
            Some("パスは英小文字・数字・ハイフンだけにしてください（例: ninshin/boshi-techo.md）"),
        );
    }
}

fn required_title(cx: &mut FileCx<'_>, fm: &FrontMatter) -> String {
    match &fm.title {
        Some(t) if !t.value.trim().is_empty() => {
            let len = t.value.chars().count();
            if len > 40 {
                let pos = crate::spec::pos(t, cx.split.yaml_line);
                cx.error(
                    pos,
                    format!("title が長すぎます（{len}文字、40文字まで）"),
                    Some("ボタンに表示されるため、40文字以内にしてください"),
                );
            }
            t.value.trim().to_string()
        }
        // Reported already, or now; the file's path stands in so nothing else trips on it.
        _ if cx.failed("title") => placeholder::title(cx.dir, &cx.file),
        _ => {
            cx.error(
                (1, 1),
                "title がありません",
                Some("front matter に「title: ページの題名」を書いてください"),
            );
            placeholder::title(cx.dir, &cx.file)
        }
    }
}

/// Reports keys that do not apply to this kind of file.
fn forbid(cx: &mut FileCx<'_>, present: &[(&str, bool)], kind: &str) {
    for (key, is_set) in present {
        if *is_set {
            cx.error(
                cx.key_pos(key),
                format!("「{key}」は{kind}では使えません"),
                Some("content/README.md の「使える設定」を確認してください"),
            );
        }
    }
}

fn account(cx: &mut FileCx<'_>, fm: FrontMatter, source: Source) -> Account {
    let title = required_title(cx, &fm);
    forbid(
        cx,
        &[
            ("keywords", fm.keywords.is_some()),
            ("order", fm.order.is_some()),
            ("image", fm.image.is_some()),
            ("image_alt", fm.image_alt.is_some()),
            ("links", fm.links.is_some()),
            ("draft", fm.draft.is_some()),
            ("expires", fm.expires.is_some()),
            ("event", fm.event.is_some()),
            ("survey", fm.survey.is_some()),
            ("notify", fm.notify.is_some()),
            ("schedule", fm.schedule.is_some()),
            ("timed", fm.timed.is_some()),
            ("menu", fm.menu.is_some()),
        ],
        "アカウント設定（content/_index.md）",
    );
    let mut fallback = fm.fallback.unwrap_or_default();
    if fallback.trim().is_empty() {
        if !cx.failed("fallback") {
            cx.error(
                (1, 1),
                "fallback がありません",
                Some("質問に答えが見つからないときの返事を「fallback: …」に書いてください"),
            );
        }
        fallback = placeholder::FALLBACK.to_string();
    }
    let welcome = cx.body_blocks(true);
    let richmenu = fm.richmenu.map(|m| crate::spec::richmenu::Spec::new(m, cx.split.yaml_line));
    let audiences = fm.audiences.as_ref().map_or_else(Default::default, |a| {
        crate::spec::notify::load_audiences(&cx.file, cx.split.yaml_line, a, &mut cx.diags)
    });
    let promo = crate::spec::promo::check(
        fm.line_id.as_ref(),
        fm.promo.as_ref(),
        cx.split.yaml_line,
        &cx.file,
        &mut cx.diags,
    );
    let summary = fm.summary.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(p) = promo.as_ref().filter(|p| !p.channels.is_empty()) {
        account_summary(cx, summary.as_deref(), p.pos);
    }
    Account {
        title,
        fallback: fallback.trim().to_string(),
        welcome,
        richmenu,
        audiences,
        summary,
        promo,
        source,
    }
}

/// The account's `summary` is printed on every poster and card: it must be there, and short.
fn account_summary(cx: &mut FileCx<'_>, summary: Option<&str>, promo_pos: (usize, usize)) {
    use crate::spec::promo::MAX_SUMMARY_LEN;
    match summary.map(|s| s.chars().count()) {
        None => cx.error(
            promo_pos,
            "promo を使うときは summary（ポスターに載せる1行）も書いてください",
            Some("例: summary: 妊娠・出産・子育ての情報が LINE に届きます"),
        ),
        Some(len) if len > MAX_SUMMARY_LEN => {
            let pos = cx.key_pos("summary");
            cx.error(
                pos,
                format!("summary が長すぎます（{len}文字、{MAX_SUMMARY_LEN}文字まで）"),
                Some("ポスターと名刺サイズのカードに大きく載せるため、短い1行にしてください"),
            );
        }
        Some(_) => {}
    }
}

fn section(
    cx: &mut FileCx<'_>,
    fm: FrontMatter,
    path: String,
    assets: &[String],
    source: Source,
) -> Section {
    let title = required_title(cx, &fm);
    if path.split('/').count() > MAX_SECTION_DEPTH {
        cx.error(
            (1, 1),
            format!("セクションの入れ子が深すぎます（{MAX_SECTION_DEPTH}段まで）"),
            Some("フォルダの階層を浅くしてください"),
        );
    }
    forbid(
        cx,
        &[
            ("keywords", fm.keywords.is_some()),
            ("image_alt", fm.image_alt.is_some()),
            ("links", fm.links.is_some()),
            ("draft", fm.draft.is_some()),
            ("expires", fm.expires.is_some()),
            ("event", fm.event.is_some()),
            ("fallback", fm.fallback.is_some()),
            ("richmenu", fm.richmenu.is_some()),
            ("survey", fm.survey.is_some()),
            ("notify", fm.notify.is_some()),
            ("audiences", fm.audiences.is_some()),
            ("line_id", fm.line_id.is_some()),
            ("promo", fm.promo.is_some()),
            ("timed", fm.timed.is_some()),
            ("menu", fm.menu.is_some()),
        ],
        "セクション（_index.md）",
    );
    // The body, if any, introduces the section above its menu's cards.
    let intro = cx.body_blocks(true);
    let image = fm.image.as_ref().and_then(|i| image(cx, i, assets));
    let schedule = fm.schedule.as_ref().and_then(|s| schedule(cx, s));
    Section {
        path,
        title,
        summary: fm.summary,
        order: fm.order,
        image,
        schedule,
        intro,
        children: Vec::new(),
        source,
    }
}

fn page(
    cx: &mut FileCx<'_>,
    fm: FrontMatter,
    rel: &str,
    assets: &[String],
    opts: &LoadOptions,
    source: Source,
) -> Parsed {
    let title = required_title(cx, &fm);
    forbid(
        cx,
        &[
            ("fallback", fm.fallback.is_some()),
            ("richmenu", fm.richmenu.is_some()),
            ("audiences", fm.audiences.is_some()),
            ("line_id", fm.line_id.is_some()),
            ("promo", fm.promo.is_some()),
        ],
        "ページ",
    );
    let expires = fm.expires.as_ref().and_then(|e| date(cx, e));
    let event = fm.event.as_ref().and_then(|e| event(cx, e));
    let notify = fm.notify.as_ref().and_then(|n| {
        crate::spec::notify::load_notify(&cx.file, cx.split.yaml_line, n, expires, &mut cx.diags)
    });
    let timed = fm.timed.as_ref().map_or_else(Vec::new, |t| {
        crate::spec::timed::load(&cx.file, cx.split.yaml_line, t, &mut cx.diags)
    });
    let links = fm.links.iter().flatten().filter_map(|l| link(cx, l)).collect();
    let image = fm.image.as_ref().and_then(|i| image(cx, i, assets));
    let survey = fm.survey.as_ref().and_then(|s| {
        crate::spec::survey::check(&s.value, cx.split.yaml_line, &cx.file, &mut cx.diags)
    });
    let schedule = fm.schedule.as_ref().and_then(|s| schedule(cx, s));
    // A survey page may have no body: the question is its content.
    let body = cx.body_blocks(fm.survey.is_some());
    if fm.draft == Some(true) || expires.is_some_and(|d| d < opts.today) {
        return Parsed::Skipped;
    }
    let path = rel.trim_end_matches(".md").to_string();
    let section = path.rsplit_once('/').map_or(String::new(), |(s, _)| s.to_string());
    let until = until(event.as_ref(), expires);
    Parsed::Page(Box::new(Page {
        text: markdown::plain_text(&body),
        path,
        section,
        title,
        summary: fm.summary,
        keywords: fm.keywords.unwrap_or_default(),
        order: fm.order,
        image,
        image_alt: fm.image_alt.map(|a| a.value.trim().to_string()),
        links,
        event,
        survey,
        notify,
        schedule,
        until,
        timed,
        in_menu: fm.menu.unwrap_or(true),
        body,
        source,
    }))
}

/// The last day a page shows in menus and search: an event drops off the day after it
/// happens, any page the day after its `expires`.
fn until(event: Option<&super::Event>, expires: Option<Date>) -> Option<Date> {
    match (event.map(|e| e.date), expires) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn schedule(
    cx: &mut FileCx<'_>,
    s: &serde_saphyr::Spanned<crate::spec::schedule::ScheduleSpec>,
) -> Option<crate::spec::schedule::Schedule> {
    let holidays = crate::spec::holidays::Holidays::official();
    crate::spec::schedule::check(s, cx.split.yaml_line, &cx.file, holidays, &mut cx.diags)
}
