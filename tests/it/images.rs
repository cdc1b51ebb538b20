//! Issue 15: photographs are published in several widths and in WebP, upright and without their
//! metadata, with `srcset`, `width` and `height` in the page, a social-card crop, and a cache
//! that makes a rebuild resize (and rewrite) nothing.

use std::io::Cursor;
use std::os::unix::fs::MetadataExt;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

use crate::support::{Built, TestSite, site};

/// What no published file may hold: the camera's GPS note from [`camera_jpeg`].
const SECRET: &[u8] = b"SECRET-BASE-51N";

/// A `width` × `height` JPEG as a camera writes it: an EXIF block that says "turn me a quarter
/// to the right" (orientation 6) and holds a GPS IFD with a place name in it.
fn camera_jpeg(width: u32, height: u32) -> Vec<u8> {
    let picture = DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 120])
    }));
    let mut jpeg = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
        .unwrap();
    // TIFF, little-endian: IFD0 at 8 with Orientation = 6 and a GPS IFD pointer; the GPS IFD
    // with GPSAreaInformation pointing at the secret.
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = tag.to_le_bytes().to_vec();
        e.extend(kind.to_le_bytes());
        e.extend(count.to_le_bytes());
        e.extend(value.to_le_bytes());
        e
    };
    let gps_at = 8 + 2 + 2 * 12 + 4;
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0112, 3, 1, 6));
    tiff.extend(entry(0x8825, 4, 1, gps_at));
    tiff.extend(0u32.to_le_bytes());
    let text_at = gps_at + 2 + 12 + 4;
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(entry(0x001C, 7, SECRET.len() as u32, text_at));
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(SECRET);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

fn lead_article(s: &TestSite, jpeg: &[u8]) {
    s.file(
        "content/articles/sea/index.md",
        "+++\ntitle = \"At sea\"\ndate = 2026-11-27\nauthor = \"ann-author\"\nimage = \"lead.jpg\"\nimage_alt = \"A ship at sea\"\nimage_caption = \"The ship.\"\nimage_focus = \"0.5,0.2\"\n+++\nBody.\n",
    );
    std::fs::write(s.root().join("content/articles/sea/lead.jpg"), jpeg).unwrap();
}

/// Every file of the output, with its bytes.
fn every_file(built: &Built) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(&built.out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&built.out).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_camera_photo_is_published_in_sizes_upright_and_without_its_metadata() {
    let s = site("basic");
    lead_article(&s, &camera_jpeg(2000, 1200));
    let built = s.build();
    let page = built.page("/sea/");

    // The lead image: WebP first, then the JPEG sizes, upright (the camera held it sideways).
    let img = page.one("figure.lead-image picture > img");
    let attr = |name: &str| img.value().attr(name).unwrap_or_default().to_string();
    assert_eq!(
        (attr("width"), attr("height")),
        ("1200".into(), "2000".into())
    );
    assert_eq!(attr("src"), "/sea/lead-1200.jpg");
    assert_eq!(attr("fetchpriority"), "high", "the first screen's picture");
    assert_eq!(attr("loading"), "", "not lazy");
    assert_eq!(attr("alt"), "A ship at sea");
    let source = page.one("figure.lead-image picture > source[type=\"image/webp\"]");
    for srcset in [
        attr("srcset"),
        source.value().attr("srcset").unwrap().to_string(),
    ] {
        let sizes: Vec<(String, u32)> = srcset
            .split(", ")
            .map(|c| {
                let (url, w) = c.split_once(' ').unwrap();
                (url.to_string(), w.trim_end_matches('w').parse().unwrap())
            })
            .collect();
        assert_eq!(
            sizes.iter().map(|s| s.1).collect::<Vec<_>>(),
            [480, 800, 1200]
        );
        for (url, width) in sizes {
            let file = built.out.join(url.trim_start_matches('/'));
            let (w, h) = image::image_dimensions(&file).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(w, width, "{url}");
            assert_eq!(h, width * 2000 / 1200, "{url}: upright, in proportion");
        }
    }
    assert_eq!(
        page.one("figure.lead-image figcaption")
            .text()
            .collect::<String>(),
        "The ship."
    );
    // The social card: 1,200 × 630, named with its size.
    let meta = |property: &str| {
        page.one(&format!("meta[property=\"{property}\"]"))
            .value()
            .attr("content")
            .unwrap()
            .to_string()
    };
    assert_eq!(meta("og:image"), "https://test.example/sea/lead-social.jpg");
    assert_eq!(
        (meta("og:image:width"), meta("og:image:height")),
        ("1200".into(), "630".into())
    );
    assert_eq!(
        image::image_dimensions(built.out.join("sea/lead-social.jpg")).unwrap(),
        (1200, 630)
    );
    // On the front page, a card (the first: fetched at once) shows the same sizes.
    let home = built.page("/");
    let card = home.one(".card-image picture > img");
    assert_eq!(card.value().attr("width"), Some("1200"));
    assert!(
        card.value()
            .attr("srcset")
            .unwrap()
            .contains("/sea/lead-480.jpg 480w")
    );

    // The feed announces the lead image with its type and size, in bytes and pixels.
    let feed = std::fs::read_to_string(built.out.join("feed.xml")).unwrap();
    use rss::validation::Validate;
    let channel = rss::Channel::read_from(feed.as_bytes()).unwrap();
    channel
        .validate()
        .expect("a valid RSS feed, enclosure included");
    assert!(channel.items()[0].enclosure().is_some());
    let feed = roxmltree::Document::parse(&feed).unwrap();
    let item = feed
        .descendants()
        .find(|n| n.has_tag_name("item"))
        .expect("an item");
    let enclosure = item
        .children()
        .find(|n| n.has_tag_name("enclosure"))
        .unwrap();
    let length: u64 = enclosure.attribute("length").unwrap().parse().unwrap();
    assert_eq!(
        enclosure.attribute("url"),
        Some("https://test.example/sea/lead-1200.jpg")
    );
    assert_eq!(enclosure.attribute("type"), Some("image/jpeg"));
    assert_eq!(
        length,
        std::fs::metadata(built.out.join("sea/lead-1200.jpg"))
            .unwrap()
            .len()
    );
    let media = item
        .children()
        .find(|n| n.has_tag_name(("http://search.yahoo.com/mrss/", "content")))
        .unwrap();
    assert_eq!(
        (media.attribute("width"), media.attribute("height")),
        (Some("1200"), Some("2000"))
    );

    // No published file carries the camera's metadata, the original's address included.
    for (path, bytes) in every_file(&built) {
        assert!(
            !bytes.windows(SECRET.len()).any(|w| w == SECRET),
            "{path} carries the photo's GPS data"
        );
        assert!(
            !bytes.windows(6).any(|w| w == b"Exif\0\0"),
            "{path} carries EXIF"
        );
    }
    assert_eq!(
        image::image_dimensions(built.out.join("sea/lead.jpg")).unwrap(),
        (1200, 2000),
        "the original's address holds the largest size"
    );
}

#[test]
fn a_rebuild_resizes_and_rewrites_nothing_and_the_cache_forgets_what_is_gone() {
    let s = site("basic");
    lead_article(&s, &camera_jpeg(1000, 600));
    let built = s.build();
    let inode = |path: &str| std::fs::metadata(built.out.join(path)).unwrap().ino();
    let before = [
        inode("sea/lead-480.jpg"),
        inode("sea/lead-480.webp"),
        inode("sea/lead.jpg"),
    ];
    let cache = s.root().join(".public.sitrep-images");
    // The cache's resized files, with when each was written.
    let cached = || -> Vec<(String, std::time::SystemTime)> {
        walkdir::WalkDir::new(&cache)
            .sort_by_file_name()
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file() && e.file_name() != "sources.json")
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, e.metadata().unwrap().modified().unwrap())
            })
            .collect()
    };
    let made = cached();
    // Upright it is 600 wide: 480 and its own 600, in JPEG and WebP, and the social card.
    assert_eq!(made.len(), 5, "{made:?}");

    let again = s.build();
    assert_eq!(again.report.written, 0, "nothing rewritten");
    let after = [
        inode("sea/lead-480.jpg"),
        inode("sea/lead-480.webp"),
        inode("sea/lead.jpg"),
    ];
    assert_eq!(before, after);
    assert_eq!(cached(), made, "nothing resized again");

    // The article loses its image: the next build sweeps the cache.
    s.file(
        "content/articles/sea/index.md",
        "+++\ntitle = \"At sea\"\ndate = 2026-11-27\nauthor = \"ann-author\"\n+++\nBody.\n",
    );
    s.build();
    assert!(cached().is_empty(), "{:?}", cached());
}

#[test]
fn broken_photos_are_errors_naming_the_article_and_the_file() {
    let s = site("basic");
    let whole = camera_jpeg(400, 300);
    lead_article(&s, &whole[..whole.len() / 2]);
    s.file(
        "content/articles/gone.md",
        "+++\ntitle = \"Gone\"\ndate = 2026-11-20\nauthor = \"ann-author\"\nimage = \"/images/nowhere.jpg\"\n+++\nx\n",
    );
    let errors = s.errors();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(
        errors[0],
        "content/articles/gone.md: the image /images/nowhere.jpg is not a file of the site: put it beside the article (a bundle) or under static/"
    );
    assert!(
        errors[1].starts_with("content/articles/sea/index.md: the image content/articles/sea/lead.jpg is damaged or cut short"),
        "{}",
        errors[1]
    );
    // `check` finds the same, and writes no cache.
    match sitrep::check(&s.options()) {
        Err(sitrep::Error::Invalid { errors: found, .. }) => {
            let found: Vec<String> = found.iter().map(ToString::to_string).collect();
            assert_eq!(found, errors);
        }
        other => panic!("check should fail: {other:?}"),
    }
    assert!(!s.root().join(".public.sitrep-images").exists());
}

/// A file named like a size sitrep makes (`lead-480.jpg` beside `lead.jpg`) is an error, not
/// silently replaced.
#[test]
fn a_file_in_the_way_of_a_size_is_an_error() {
    let s = site("basic");
    lead_article(&s, &camera_jpeg(1000, 600));
    std::fs::write(s.root().join("content/articles/sea/lead-480.jpg"), b"mine").unwrap();
    assert_eq!(
        s.errors(),
        [
            "content/articles/sea/lead-480.jpg: sitrep publishes a size of a photograph at sea/lead-480.jpg, where this file would go: rename it"
        ]
    );
}

/// Pictures in an article's body, Markdown and raw HTML alike, get their sizes too; a PNG stays
/// PNG; an SVG and a picture on another site are left as written.
#[test]
fn pictures_in_a_body_get_sizes_and_the_rest_are_left_alone() {
    let s = site("basic");
    let mut png = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::from_fn(900, 500, |x, _| {
        Rgb([(x % 256) as u8, 40, 40])
    }))
    .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
    .unwrap();
    s.file(
        "content/articles/maps/index.md",
        "+++\ntitle = \"Maps\"\ndate = 2026-11-26\nauthor = \"ann-author\"\n+++\n\
         ![The patrol area](map.png \"Patrol area\")\n\n\
         <p><img src=\"photo.jpg\" alt=\"Again\" class=\"wide\"></p>\n\n\
         ![A drawing](plan.svg) ![Elsewhere](https://other.example/a.jpg)\n",
    );
    std::fs::write(s.root().join("content/articles/maps/map.png"), &png).unwrap();
    std::fs::write(
        s.root().join("content/articles/maps/photo.jpg"),
        camera_jpeg(1800, 1000),
    )
    .unwrap();
    s.file(
        "content/articles/maps/plan.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
    );
    let built = s.build();
    let page = built.page("/maps/");
    let imgs = page.all(".article-body img");
    assert_eq!(imgs.len(), 4);
    let attr = |i: usize, name: &str| imgs[i].value().attr(name).map(str::to_string);
    // The PNG: sized in PNG (480, then its own 900) and in lossless WebP, title kept.
    assert_eq!(attr(0, "src").unwrap(), "/maps/map-900.png");
    assert_eq!(
        (attr(0, "width").unwrap(), attr(0, "height").unwrap()),
        ("900".into(), "500".into())
    );
    assert_eq!(attr(0, "title").unwrap(), "Patrol area");
    assert_eq!(attr(0, "alt").unwrap(), "The patrol area");
    assert_eq!(attr(0, "loading").unwrap(), "lazy");
    for url in attr(0, "srcset")
        .unwrap()
        .split(", ")
        .map(|c| c.split(' ').next().unwrap())
    {
        let bytes = std::fs::read(built.out.join(url.trim_start_matches('/'))).unwrap();
        assert_eq!(
            image::guess_format(&bytes).unwrap(),
            ImageFormat::Png,
            "{url}"
        );
    }
    // The raw <img>: upright 1000 × 1800, its class kept, inside a <picture>.
    assert_eq!(attr(1, "width").unwrap(), "1000");
    assert_eq!(attr(1, "class").unwrap(), "wide");
    assert_eq!(
        imgs[1]
            .parent()
            .and_then(|p| p.value().as_element())
            .map(|e| e.name()),
        Some("picture")
    );
    // The SVG and the picture elsewhere: as written.
    assert_eq!(attr(2, "src").unwrap(), "plan.svg");
    assert_eq!(attr(2, "srcset"), None);
    assert_eq!(attr(3, "src").unwrap(), "https://other.example/a.jpg");
    assert_eq!(attr(3, "width"), None);
}
