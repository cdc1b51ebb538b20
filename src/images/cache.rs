//! The image cache: every resized file, named by the source's content hash and what was asked
//! of it, so a file in it is right whatever build made it; and a list of the sources seen, by
//! path, size and modification time, so an unchanged photograph is not even read again. A
//! missing, damaged or foreign list only means sources are read and hashed again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::codec::{self, Format};
use super::{Made, Processed, SOCIAL, Variant, social_path, variant_path, widths_for};
use crate::model::config::ImagesConfig;

/// The list of sources, in the cache folder.
const SOURCES: &str = "sources.json";
/// Changes whenever the files made from the same source and settings would change.
const VERSION: u32 = 1;

/// What the cache knows of one source file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Known {
    len: u64,
    modified: u128,
    hash: String,
    /// Upright size and format of the picture.
    width: u32,
    height: u32,
    format: Format,
}

#[derive(Default, Serialize, Deserialize)]
struct Sources {
    version: u32,
    files: HashMap<String, Known>,
}

/// The cache folder, open for one build.
pub struct Cache {
    dir: PathBuf,
    known: Mutex<Sources>,
    /// The sources this build looked at: the rest are forgotten on save.
    seen: Mutex<HashSet<String>>,
}

impl Cache {
    /// Opens (or starts) the cache in `dir`.
    pub fn open(dir: &Path) -> Cache {
        let known = std::fs::read(dir.join(SOURCES))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Sources>(&bytes).ok())
            .filter(|sources| sources.version == VERSION)
            .unwrap_or_default();
        Cache {
            dir: dir.to_path_buf(),
            known: Mutex::new(known),
            seen: Mutex::new(HashSet::new()),
        }
    }

    /// The files of the photograph at `from` (published at `path`): made now, or found in the
    /// cache. With each, the cache file to publish at each output path. The error, in words
    /// for an editor, says what is wrong with the file.
    pub fn make(
        &self,
        from: &Path,
        path: &str,
        config: &ImagesConfig,
        social: Option<(f64, f64)>,
    ) -> Result<Made, String> {
        let meta = std::fs::metadata(from).map_err(|e| format!("cannot be read: {e}"))?;
        let key = from.to_string_lossy().into_owned();
        let modified = modified(&meta).unwrap_or(0);
        self.seen.lock().unwrap().insert(key.clone());
        let remembered = self.known.lock().unwrap().files.get(&key).cloned();
        let mut picture = None;
        let known = match remembered.filter(|k| k.len == meta.len() && k.modified == modified) {
            Some(known) => known,
            None => {
                let bytes = std::fs::read(from).map_err(|e| format!("cannot be read: {e}"))?;
                let hash = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes));
                let decoded = codec::decode(&bytes)?;
                let known = Known {
                    len: meta.len(),
                    modified,
                    hash,
                    width: decoded.image.width(),
                    height: decoded.image.height(),
                    format: decoded.format,
                };
                picture = Some(decoded);
                self.known.lock().unwrap().files.insert(key, known.clone());
                known
            }
        };
        let plan = Plan::new(&known, path, config, social);
        if plan.files().any(|(file, _)| !self.dir.join(file).exists()) {
            let picture = match picture {
                Some(picture) => picture,
                None => {
                    let bytes = std::fs::read(from).map_err(|e| format!("cannot be read: {e}"))?;
                    codec::decode(&bytes)?
                }
            };
            plan.make(&self.dir, &picture, config)
                .map_err(|e| format!("could not be resized into the cache: {e}"))?;
        }
        plan.finish(&self.dir)
    }

    /// Whether the photograph at `from` decodes, without writing anything: one the cache knows
    /// unchanged is taken as good.
    pub fn verify(&self, from: &Path) -> Result<(), String> {
        let meta = std::fs::metadata(from).map_err(|e| format!("cannot be read: {e}"))?;
        let known = self.known.lock().unwrap();
        let unchanged = known
            .files
            .get(&*from.to_string_lossy())
            .is_some_and(|k| k.len == meta.len() && Some(k.modified) == modified(&meta));
        drop(known);
        if !unchanged {
            let bytes = std::fs::read(from).map_err(|e| format!("cannot be read: {e}"))?;
            codec::decode(&bytes)?;
        }
        Ok(())
    }

    /// Removes every cache file not in `used`, and empty folders.
    pub fn sweep<'a>(&self, used: impl Iterator<Item = &'a Path>) {
        let used: HashSet<&Path> = used.collect();
        let Ok(folders) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for folder in folders.flatten() {
            let folder = folder.path();
            if !folder.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                if !used.contains(file.path().as_path()) {
                    let _ = std::fs::remove_file(file.path());
                }
            }
            let _ = std::fs::remove_dir(&folder);
        }
    }

    /// Writes the list of sources, forgetting those this build did not see. A failure only
    /// costs the next build a read of each source.
    pub fn save(&self) {
        let seen = self.seen.lock().unwrap();
        let mut known = self.known.lock().unwrap();
        known.version = VERSION;
        known.files.retain(|path, _| seen.contains(path));
        // A site without photographs gets no cache folder.
        if known.files.is_empty() && !self.dir.exists() {
            return;
        }
        let Ok(json) = serde_json::to_vec(&*known) else {
            return;
        };
        let temporary = self.dir.join(format!("{SOURCES}.new"));
        if std::fs::write(&temporary, json).is_ok() {
            let _ = std::fs::rename(&temporary, self.dir.join(SOURCES));
        }
    }
}

/// The files to make of one source: (width, height, format, cache file, output path).
struct Plan {
    sized: Vec<Item>,
    webp: Vec<Item>,
    social: Option<Item>,
    original: String,
    /// The social card's focal point.
    focus: (f64, f64),
}

struct Item {
    width: u32,
    height: u32,
    format: Format,
    file: PathBuf,
    path: String,
}

impl Plan {
    fn new(known: &Known, path: &str, config: &ImagesConfig, social: Option<(f64, f64)>) -> Plan {
        let item = |width: u32, height: u32, format: Format, name: String, path: String| Item {
            width,
            height,
            format,
            file: PathBuf::from(&known.hash[..2]).join(name),
            path,
        };
        let quality = config.quality;
        let widths = widths_for(known.width, &config.widths);
        let height = |w: u32| codec::scaled_height(known.width, known.height, w);
        let name = |w: u32, format: Format| {
            format!(
                "{}-v{VERSION}-{w}-q{quality}.{}",
                known.hash,
                format.extension()
            )
        };
        let sized = widths
            .iter()
            .map(|&w| {
                item(
                    w,
                    height(w),
                    known.format,
                    name(w, known.format),
                    variant_path(path, w, known.format),
                )
            })
            .collect();
        let webp = if known.format == Format::WebP {
            Vec::new()
        } else {
            widths
                .iter()
                .map(|&w| {
                    item(
                        w,
                        height(w),
                        Format::WebP,
                        name(w, Format::WebP),
                        variant_path(path, w, Format::WebP),
                    )
                })
                .collect()
        };
        let card = social.map(|(x, y)| {
            let (w, h) = social_size(known.width, known.height);
            let name = format!(
                "{}-v{VERSION}-social-{w}x{h}-at{:.0}x{:.0}-q{quality}.jpg",
                known.hash,
                x * 1000.0,
                y * 1000.0
            );
            item(w, h, Format::Jpeg, name, social_path(path))
        });
        Plan {
            sized,
            webp,
            social: card,
            original: path.to_string(),
            focus: social.unwrap_or((0.5, 0.5)),
        }
    }

    /// (cache file relative to the cache folder, output path) of every file.
    fn files(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.sized
            .iter()
            .chain(&self.webp)
            .chain(&self.social)
            .map(|i| (i.file.as_path(), i.path.as_str()))
    }

    fn make(
        &self,
        dir: &Path,
        picture: &codec::Picture,
        config: &ImagesConfig,
    ) -> std::io::Result<()> {
        let lossless = picture.format == Format::Png;
        let mut made: HashMap<u32, codec::DynamicImage> = HashMap::new();
        for item in self.sized.iter().chain(&self.webp) {
            let target = dir.join(&item.file);
            if target.exists() {
                continue;
            }
            let resized = made
                .entry(item.width)
                .or_insert_with(|| codec::resize(&picture.image, item.width));
            let bytes = codec::encode(resized, item.format, config.quality, lossless);
            store(&target, &bytes)?;
        }
        if let Some(item) = &self.social {
            let target = dir.join(&item.file);
            if !target.exists() {
                let crop = codec::crop_to(&picture.image, SOCIAL.0, SOCIAL.1, self.focus);
                let card = codec::resize_exact(&crop, item.width, item.height);
                store(
                    &target,
                    &codec::encode(&card, Format::Jpeg, config.quality, false),
                )?;
            }
        }
        Ok(())
    }

    /// What was made, with (cache file, output path) for each file, the original's own
    /// address taking the largest size (so no file with the camera's metadata is published).
    fn finish(self, dir: &Path) -> Result<Made, String> {
        let variant = |item: &Item| -> Result<Variant, String> {
            let bytes = std::fs::metadata(dir.join(&item.file))
                .map_err(|e| format!("could not be read back from the cache: {e}"))?
                .len();
            Ok(Variant {
                path: item.path.clone(),
                width: item.width,
                height: item.height,
                format: item.format,
                bytes,
            })
        };
        let processed = Processed {
            sized: self.sized.iter().map(variant).collect::<Result<_, _>>()?,
            webp: self.webp.iter().map(variant).collect::<Result<_, _>>()?,
            social: self.social.as_ref().map(variant).transpose()?,
        };
        let mut files: Vec<(PathBuf, String)> = self
            .files()
            .map(|(file, path)| (dir.join(file), path.to_string()))
            .collect();
        let largest = self.sized.last().expect("one size at least");
        files.push((dir.join(&largest.file), self.original.clone()));
        Ok((processed, files))
    }
}

/// A file's modification time in nanoseconds since 1970.
fn modified(meta: &std::fs::Metadata) -> Option<u128> {
    let since = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(since.as_nanos())
}

/// Writes `bytes` at `target` whole or not at all (a killed build leaves no half file that a
/// later build would publish).
fn store(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = target.with_extension("part");
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, target)
}

/// The social card's size for a picture `width` × `height`: 1,200 × 630, or smaller in the same
/// proportions when the picture is (never upscaled).
fn social_size(width: u32, height: u32) -> (u32, u32) {
    let (w, h) = SOCIAL;
    let scale = (f64::from(width) / f64::from(w))
        .min(f64::from(height) / f64::from(h))
        .min(1.0);
    (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    )
}
