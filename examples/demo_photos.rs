//! Paints the demo site's lead photographs: skies, seas and plains with the silhouettes of
//! ships, cranes, vehicles and drones, with light and film grain, so the demo's front page looks
//! like a news site's without a single downloaded picture.
//!
//!     cargo run --release --example demo_photos -- static/images/leads
//!     cargo run --release --example demo_photos -- /tmp/big 4000     # 4,000 px wide (bench/images)
//!
//! Deterministic: the same program paints the same bytes.

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage};

/// The demo's size; a second argument asks for another width (the height is two thirds).
const WIDTH: u32 = 2400;

/// A scene: sky colours (zenith, horizon), ground colour, horizon height (fraction from the
/// top), sun position, and what stands on the horizon.
struct Scene {
    name: &'static str,
    zenith: [f32; 3],
    horizon: [f32; 3],
    ground: [f32; 3],
    line: f32,
    sun: (f32, f32, f32),
    water: bool,
    shapes: &'static [Shape],
}

/// Silhouettes, in fractions of the width and height, drawn in a dark tone of the scene.
enum Shape {
    /// A ship: bow x, stern x, waterline y, hull height, superstructure blocks (x0, x1, top y).
    Ship(f32, f32, f32, f32, &'static [(f32, f32, f32)]),
    /// A crane: foot x, top y, jib reach.
    Crane(f32, f32, f32),
    /// A tracked or wheeled vehicle: x, ground y, length, with a raised launcher when true.
    Vehicle(f32, f32, f32, bool),
    /// A small drone: centre x, y, span.
    Drone(f32, f32, f32),
    /// A ridge of hills: a sum of waves at this height.
    Ridge(f32, f32),
}

const SCENES: &[Scene] = &[
    Scene {
        name: "frigate-programme-costs-climb-again",
        zenith: [0.33, 0.45, 0.60],
        horizon: [0.80, 0.82, 0.80],
        ground: [0.16, 0.25, 0.31],
        line: 0.58,
        sun: (0.78, 0.30, 0.9),
        water: true,
        shapes: &[Shape::Ship(
            0.18,
            0.74,
            0.60,
            0.045,
            &[
                (0.40, 0.58, 0.47),
                (0.45, 0.52, 0.40),
                (0.60, 0.66, 0.52),
                (0.485, 0.492, 0.33),
            ],
        )],
    },
    Scene {
        name: "minehunters-retired-early",
        zenith: [0.55, 0.60, 0.66],
        horizon: [0.86, 0.84, 0.80],
        ground: [0.22, 0.28, 0.30],
        line: 0.62,
        sun: (0.20, 0.35, 0.5),
        water: true,
        shapes: &[
            Shape::Ship(
                0.30,
                0.58,
                0.64,
                0.04,
                &[(0.40, 0.50, 0.55), (0.445, 0.452, 0.47)],
            ),
            Shape::Crane(0.82, 0.30, 0.12),
            Shape::Ridge(0.60, 0.02),
        ],
    },
    Scene {
        name: "shipyard-skills-crunch",
        zenith: [0.20, 0.22, 0.38],
        horizon: [0.95, 0.62, 0.38],
        ground: [0.12, 0.12, 0.16],
        line: 0.66,
        sun: (0.55, 0.64, 1.0),
        water: true,
        shapes: &[
            Shape::Crane(0.22, 0.18, 0.20),
            Shape::Crane(0.48, 0.26, -0.16),
            Shape::Crane(0.78, 0.22, 0.14),
            Shape::Ship(0.30, 0.70, 0.68, 0.07, &[(0.55, 0.66, 0.58)]),
        ],
    },
    Scene {
        name: "spring-exercise-northern-shield-preview",
        zenith: [0.52, 0.62, 0.74],
        horizon: [0.90, 0.92, 0.94],
        ground: [0.86, 0.88, 0.90],
        line: 0.55,
        sun: (0.30, 0.25, 0.6),
        water: false,
        shapes: &[
            Shape::Ridge(0.55, 0.06),
            Shape::Vehicle(0.20, 0.76, 0.22, false),
            Shape::Vehicle(0.58, 0.70, 0.14, false),
        ],
    },
    Scene {
        name: "air-defence-battery-delivery-delayed",
        zenith: [0.40, 0.52, 0.66],
        horizon: [0.88, 0.84, 0.74],
        ground: [0.46, 0.42, 0.30],
        line: 0.60,
        sun: (0.85, 0.20, 0.8),
        water: false,
        shapes: &[
            Shape::Ridge(0.60, 0.035),
            Shape::Vehicle(0.30, 0.80, 0.34, true),
        ],
    },
    Scene {
        name: "drone-swarm-trials-northern-range",
        zenith: [0.30, 0.40, 0.55],
        horizon: [0.80, 0.80, 0.78],
        ground: [0.28, 0.33, 0.25],
        line: 0.70,
        sun: (0.65, 0.45, 0.7),
        water: false,
        shapes: &[
            Shape::Ridge(0.70, 0.08),
            Shape::Drone(0.30, 0.32, 0.05),
            Shape::Drone(0.42, 0.26, 0.04),
            Shape::Drone(0.55, 0.36, 0.045),
            Shape::Drone(0.68, 0.22, 0.035),
            Shape::Drone(0.47, 0.45, 0.05),
        ],
    },
    Scene {
        name: "the-drone-gap-in-our-harbours",
        zenith: [0.05, 0.07, 0.14],
        horizon: [0.28, 0.26, 0.36],
        ground: [0.06, 0.08, 0.12],
        line: 0.60,
        sun: (0.70, 0.50, 0.3),
        water: true,
        shapes: &[
            Shape::Crane(0.15, 0.30, 0.10),
            Shape::Ship(0.45, 0.85, 0.62, 0.05, &[(0.60, 0.75, 0.52)]),
            Shape::Drone(0.35, 0.30, 0.04),
        ],
    },
    Scene {
        name: "interceptor-stockpiles-the-quiet-shortage",
        zenith: [0.24, 0.26, 0.42],
        horizon: [0.92, 0.70, 0.50],
        ground: [0.30, 0.27, 0.22],
        line: 0.62,
        sun: (0.25, 0.60, 0.9),
        water: false,
        shapes: &[
            Shape::Ridge(0.62, 0.03),
            Shape::Vehicle(0.12, 0.84, 0.30, true),
            Shape::Vehicle(0.52, 0.76, 0.22, true),
            Shape::Vehicle(0.80, 0.71, 0.13, true),
        ],
    },
];

/// A small, fixed pseudo-random sequence (xorshift), for grain and waves.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

/// Whether pixel (x, y), in fractions, is inside a silhouette.
fn inside(shape: &Shape, x: f32, y: f32, aspect: f32) -> bool {
    match *shape {
        Shape::Ship(bow, stern, water, hull, blocks) => {
            let (left, right) = (bow.min(stern), bow.max(stern));
            if x < left || x > right {
                return false;
            }
            // A raked bow: the hull narrows towards it.
            let t = (x - left) / (right - left);
            let rake = (1.0 - t * 8.0).max(0.0) * hull;
            let hull_top = water - hull + rake * 0.2;
            (y > hull_top && y < water + hull * 0.15 && x > left + rake * 0.6)
                || blocks
                    .iter()
                    .any(|&(a, b, top)| x > a && x < b && y > top && y <= hull_top + 0.002)
        }
        Shape::Crane(foot, top, reach) => {
            let tower = (x - foot).abs() < 0.006 && y > top;
            let (a, b) = if reach > 0.0 {
                (foot, foot + reach)
            } else {
                (foot + reach, foot)
            };
            let jib = x > a && x < b && (y - top).abs() < 0.006;
            let cable = (x - (foot + reach * 0.9)).abs() < 0.0012 && y > top && y < top + 0.15;
            tower || jib || cable
        }
        Shape::Vehicle(x0, ground, length, launcher) => {
            let body = x > x0
                && x < x0 + length
                && y > ground - length * 0.22
                && y < ground - length * 0.05;
            let cab = x > x0 + length * 0.72
                && x < x0 + length
                && y > ground - length * 0.32
                && y < ground;
            let wheels = (0..5).any(|i| {
                let cx = x0 + length * (0.12 + 0.19 * i as f32);
                let (dx, dy) = ((x - cx) * aspect, y - (ground - length * 0.05));
                dx * dx + dy * dy < (length * 0.07).powi(2)
            });
            let tube = launcher && {
                // A launcher raised at 30 degrees over the rear of the body.
                let (px, py) = (x - (x0 + length * 0.1), (ground - length * 0.22) - y);
                let along = px * 0.866 * aspect + py * 0.5;
                let across = -px * 0.5 * aspect + py * 0.866;
                along > 0.0
                    && along < length * 0.75 * aspect
                    && across > 0.0
                    && across < length * 0.12
            };
            body || cab || wheels || tube
        }
        Shape::Drone(cx, cy, span) => {
            let (dx, dy) = ((x - cx) * aspect, y - cy);
            let body = dx.abs() < span * 0.25 && dy.abs() < span * 0.08;
            let arms = (dy - dx * 0.5).abs() < span * 0.03 && dx.abs() < span * 0.6
                || (dy + dx * 0.5).abs() < span * 0.03 && dx.abs() < span * 0.6;
            let rotors = [(-0.55, -0.27), (0.55, 0.27), (-0.55, 0.27), (0.55, -0.27)]
                .iter()
                .any(|&(rx, ry)| {
                    let (ex, ey) = (dx - rx * span, (dy - ry * span) * 3.0);
                    ex * ex + ey * ey < (span * 0.3).powi(2)
                });
            body || arms || rotors
        }
        Shape::Ridge(base, height) => {
            let wave =
                (x * 9.0).sin() * 0.5 + (x * 23.0 + 1.3).sin() * 0.3 + (x * 51.0 + 0.7).sin() * 0.2;
            y > base - height * (0.6 + 0.4 * wave) && y < base + 0.01
        }
    }
}

fn paint(scene: &Scene, seed: u64, width: u32) -> RgbImage {
    let height = width * 2 / 3;
    let mut noise = Noise(seed | 1);
    let aspect = width as f32 / height as f32;
    let dark = mix(scene.ground, [0.04, 0.05, 0.06], 0.75);
    RgbImage::from_fn(width, height, |px, py| {
        let (x, y) = (px as f32 / width as f32, py as f32 / height as f32);
        let mut colour = if y < scene.line {
            let t = (y / scene.line).powf(0.8);
            mix(scene.zenith, scene.horizon, t)
        } else {
            let t = ((y - scene.line) / (1.0 - scene.line)).min(1.0);
            let mut c = mix(
                mix(scene.horizon, scene.ground, 0.7),
                scene.ground,
                t.powf(0.5),
            );
            if scene.water {
                // Swell: bands that widen towards the viewer, brighter under the sun.
                let band =
                    ((y - scene.line) * 900.0 / (0.2 + t * 3.0) + (x * 40.0).sin() * 1.5).sin();
                let glint = (-(x - scene.sun.0).powi(2) * 60.0).exp() * (1.0 - t) * scene.sun.2;
                c = mix(c, scene.horizon, (band * 0.5 + 0.5) * (0.10 + glint * 0.6));
            }
            c
        };
        // The sun's glow.
        let (dx, dy) = ((x - scene.sun.0) * aspect, y - scene.sun.1);
        let glow = (-(dx * dx + dy * dy) * 18.0).exp() * scene.sun.2;
        colour = mix(colour, [1.0, 0.96, 0.86], glow * 0.6);
        if scene.shapes.iter().any(|s| inside(s, x, y, aspect)) {
            colour = dark;
        }
        // A lens's vignette and a film's grain.
        let (vx, vy) = (x - 0.5, y - 0.5);
        let vignette = 1.0 - (vx * vx + vy * vy) * 0.55;
        let grain = (noise.next() - 0.5) * 0.035;
        Rgb(colour.map(|c| ((c * vignette + grain).clamp(0.0, 1.0) * 255.0) as u8))
    })
}

fn main() {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("static/images/leads"), PathBuf::from);
    let width = std::env::args()
        .nth(2)
        .map_or(WIDTH, |w| w.parse().expect("a width in pixels"));
    std::fs::create_dir_all(&out).expect("the output folder can be made");
    for (i, scene) in SCENES.iter().enumerate() {
        let picture = paint(scene, 0x5eed + i as u64, width);
        let path: &Path = &out.join(format!("{}.jpg", scene.name));
        let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut file, 84)
            .encode_image(&picture)
            .unwrap();
        println!("{}", path.display());
    }
}
