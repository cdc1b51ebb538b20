//! Pixels in and out: decoding a photograph with bounds (a small file that claims to be huge
//! is refused before any memory is taken), turning it upright by its EXIF orientation, resizing
//! it, and encoding it again. Encoding starts from bare pixels, so no EXIF, GPS position, XMP or
//! camera serial number survives into a published file.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
pub use image::DynamicImage;
use image::{ImageDecoder, ImageFormat, ImageReader, Limits};

/// The largest picture decoded, per side: past any camera, and a bound on memory.
pub const MAX_SIDE: u32 = 16_384;
/// The most memory one decode may take.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// The encodings published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

impl Format {
    /// The published file's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
        }
    }

    /// Its media type, for `<source type>` and feeds.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
        }
    }
}

/// A decoded picture, upright.
pub struct Picture {
    pub image: DynamicImage,
    /// The format it came in: its resized copies keep it (a PNG stays lossless).
    pub format: Format,
}

/// Decodes `bytes`, refusing anything over [`MAX_SIDE`] or [`MAX_ALLOC`] before allocating, and
/// applies the EXIF orientation. The error says what is wrong in words for an editor.
pub fn decode(bytes: &[u8]) -> Result<Picture, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot be read: {e}"))?;
    let format = match reader.format() {
        Some(ImageFormat::Jpeg) => Format::Jpeg,
        Some(ImageFormat::Png) => Format::Png,
        Some(ImageFormat::WebP) => Format::WebP,
        Some(other) => {
            return Err(format!(
                "is a {other:?} image, which sitrep does not resize"
            ));
        }
        None => return Err("is not a JPEG, PNG or WebP image".to_string()),
    };
    // The JPEG decoder fills a file cut short with grey rather than fail: look for its end.
    if format == Format::Jpeg && !jpeg_is_complete(bytes) {
        return Err(
            "is damaged or cut short: the JPEG data stops before its end marker".to_string(),
        );
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = reader;
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(explain)?;
    let orientation = decoder.orientation().map_err(explain)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(explain)?;
    image.apply_orientation(orientation);
    Ok(Picture { image, format })
}

/// Whether a JPEG's image data runs to its end marker (EOI). The segments before the image data
/// are skipped by their lengths, since an EXIF thumbnail holds an end marker of its own; in the
/// image data a 0xFF byte is always followed by 0x00 or a restart marker, so 0xFF 0xD9 there is
/// the end. Data after it (a phone's motion photo) is allowed.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut at = 2; // after SOI
    while at + 4 <= bytes.len() && bytes[at] == 0xFF {
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        at += 2 + length;
        if marker == 0xDA {
            return bytes[at.min(bytes.len())..]
                .windows(2)
                .any(|pair| pair == [0xFF, 0xD9]);
        }
    }
    false
}

fn explain(e: image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => format!(
            "is too large to decode safely (more than {MAX_SIDE} pixels a side or {} MB of \
             pixels): a decompression bomb, or a scan to make smaller first",
            MAX_ALLOC / 1024 / 1024
        ),
        image::ImageError::Decoding(e) => format!("is damaged or cut short: {e}"),
        other => format!("cannot be decoded: {other}"),
    }
}

/// The height of a `width` × `height` picture scaled to `to` pixels wide (rounded, at least 1).
pub fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    ((u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width)).max(1) as u32
}

/// `image` at `width` pixels wide, height in proportion, Lanczos-filtered.
pub fn resize(image: &DynamicImage, width: u32) -> DynamicImage {
    let height = scaled_height(image.width(), image.height(), width);
    resize_exact(image, width, height)
}

/// `image` scaled to exactly `width` × `height` (the caller keeps the proportions).
pub fn resize_exact(image: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    if (width, height) == (image.width(), image.height()) {
        return image.clone();
    }
    let mut out = DynamicImage::new(width, height, image.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(image, &mut out, &options)
        .expect("source and destination have the same pixel type");
    out
}

/// The crop of `image` with the proportions `width`:`height`, as large as fits, centred on the
/// focal point `focus` (fractions of the width and height: 0.5, 0.5 is the centre).
pub fn crop_to(image: &DynamicImage, width: u32, height: u32, focus: (f64, f64)) -> DynamicImage {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let aspect = f64::from(width) / f64::from(height);
    let (cw, ch) = if w / h > aspect {
        ((h * aspect).round(), h)
    } else {
        (w, (w / aspect).round())
    };
    let x = (focus.0 * w - cw / 2.0).clamp(0.0, w - cw);
    let y = (focus.1 * h - ch / 2.0).clamp(0.0, h - ch);
    image.crop_imm(x as u32, y as u32, cw.max(1.0) as u32, ch.max(1.0) as u32)
}

/// `image` encoded as `format`: JPEG at `quality`, PNG lossless, WebP lossy at `quality` (or
/// lossless for a PNG's copies, whose flat colours and text lossy WebP would smear).
pub fn encode(image: &DynamicImage, format: Format, quality: u8, lossless: bool) -> Vec<u8> {
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .encode_image(&rgb)
                .expect("an RGB image encodes as JPEG");
        }
        Format::Png => {
            image
                .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
                .expect("a decoded image encodes as PNG");
        }
        Format::WebP => {
            let encoded = if image.color().has_alpha() {
                let rgba = image.to_rgba8();
                let encoder = webp::Encoder::from_rgba(&rgba, rgba.width(), rgba.height());
                encode_webp(&encoder, quality, lossless)
            } else {
                let rgb = image.to_rgb8();
                let encoder = webp::Encoder::from_rgb(&rgb, rgb.width(), rgb.height());
                encode_webp(&encoder, quality, lossless)
            };
            out.extend_from_slice(&encoded);
        }
    }
    out
}

fn encode_webp(encoder: &webp::Encoder, quality: u8, lossless: bool) -> Vec<u8> {
    let memory = if lossless {
        encoder.encode_lossless()
    } else {
        encoder.encode(f32::from(quality))
    };
    memory.to_vec()
}
