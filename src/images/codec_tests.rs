//! The photo codec's tests, here rather than in `photo/` (see its Cargo.toml: a test build of
//! that crate would compile the image libraries' generic code a second time).

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

use super::codec::*;

fn photo(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 90])
    }))
}

#[test]
fn resizes_keep_proportions_and_encodings_decode_again() {
    let big = photo(1000, 750);
    let small = resize(&big, 480);
    assert_eq!((small.width(), small.height()), (480, 360));
    for format in [Format::Jpeg, Format::Png, Format::WebP] {
        let bytes = encode(&small, format, 82, false);
        let back = decode(&bytes).unwrap();
        assert_eq!(back.format, format);
        assert_eq!((back.image.width(), back.image.height()), (480, 360));
    }
}

#[test]
fn crops_follow_the_focal_point() {
    let wide = photo(2000, 1000);
    let left = crop_to(&wide, 1200, 630, (0.0, 0.5));
    assert_eq!((left.width(), left.height()), (1905, 1000));
    let tall = photo(1000, 2000);
    let top = crop_to(&tall, 1200, 630, (0.5, 0.1));
    assert_eq!((top.width(), top.height()), (1000, 525));
}

#[test]
fn a_bomb_and_a_truncated_file_are_refused_in_words() {
    // A PNG header that claims 100,000 × 100,000 pixels, in a few dozen bytes.
    let mut png = Vec::new();
    photo(4, 4)
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .unwrap();
    png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    // The header's checksum, made right again (CRC-32 of the chunk's type and data).
    let crc = png[12..29].iter().fold(!0u32, |mut crc, &byte| {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
        crc
    });
    png[29..33].copy_from_slice(&(!crc).to_be_bytes());
    let error = decode(&png).err().unwrap();
    assert!(error.contains("too large to decode safely"), "{error}");

    let jpeg = encode(&photo(64, 64), Format::Jpeg, 82, false);
    let error = decode(&jpeg[..jpeg.len() / 2]).err().unwrap();
    assert!(error.contains("damaged or cut short"), "{error}");
    let error = decode(b"GIF89a....").err().unwrap();
    assert!(error.contains("Gif"), "{error}");
}
