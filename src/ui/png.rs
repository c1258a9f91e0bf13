//! Writing screenshots of the view as PNG files (atomically, like every file Carrot writes).

use std::path::Path;

use crate::fsx::{self, Access, Overwrite};

/// Encodes `image` as PNG and writes it to `path`.
pub fn write_png(path: &Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let mut rgba = Vec::with_capacity(w * h * 4);
    for px in &image.pixels {
        rgba.extend_from_slice(&px.to_srgba_unmultiplied());
    }
    let width = u32::try_from(w).map_err(|e| e.to_string())?;
    let height = u32::try_from(h).map_err(|e| e.to_string())?;
    let buffer = image::RgbaImage::from_raw(width, height, rgba).ok_or("the screenshot has an unexpected size")?;
    let mut bytes = std::io::Cursor::new(Vec::new());
    buffer.write_to(&mut bytes, image::ImageFormat::Png).map_err(|e| e.to_string())?;
    fsx::write_atomic(path, bytes.get_ref(), Overwrite::Allow, Access::Private).map_err(|e| e.to_string())
}
