//! Collects each glyph the PDF draws: page, position from the top, size and text.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

#[derive(Debug, Clone)]
pub(super) struct Glyph {
    pub(super) x: f64,
    /// Baseline, measured down from the top of the page.
    pub(super) y: f64,
    pub(super) end: f64,
    pub(super) size: f64,
    pub(super) text: String,
    /// Which of the page's shown strings drew it (see `weights`).
    pub(super) string: usize,
    pub(super) bold: bool,
}

#[derive(Debug, Default)]
pub(super) struct Page {
    pub(super) height: f64,
    pub(super) glyphs: Vec<Glyph>,
    /// How many strings pdf-extract showed on the page (one `begin_word` each).
    pub(super) strings: usize,
}

impl Page {
    /// Marks the glyphs drawn in bold, when `bold` names every string the page showed.
    pub(super) fn set_weights(&mut self, bold: Option<&Vec<bool>>) {
        let Some(bold) = bold.filter(|bold| bold.len() == self.strings) else {
            return;
        };
        for glyph in &mut self.glyphs {
            glyph.bold = glyph
                .string
                .checked_sub(1)
                .and_then(|index| bold.get(index))
                .copied()
                .unwrap_or(false);
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct Collector {
    pages: Vec<Page>,
    top: f64,
    glyphs: usize,
}

/// Refuse to hold more than this many glyphs (a 50-page policy has about 150,000).
const MAX_GLYPHS: usize = 5_000_000;

impl Collector {
    pub(super) fn pages(self) -> Vec<Page> {
        self.pages
    }

    pub(super) fn pages_mut(&mut self) -> &mut [Page] {
        &mut self.pages
    }

    pub(super) fn letters(&self) -> usize {
        self.pages
            .iter()
            .flat_map(|page| &page.glyphs)
            .filter(|glyph| glyph.text.chars().any(char::is_alphanumeric))
            .count()
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.top = media_box.ury;
        self.pages.push(Page {
            height: (media_box.ury - media_box.lly).abs().max(1.0),
            glyphs: Vec::new(),
            strings: 0,
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        if self.glyphs >= MAX_GLYPHS {
            return Ok(());
        }
        // The size of the square with the area of the transformed em (as pdf-extract's
        // own text output measures it).
        let along_x = font_size * trm.m11 + font_size * trm.m21;
        let along_y = font_size * trm.m12 + font_size * trm.m22;
        let size = (along_x * along_y).abs().sqrt();
        if !size.is_finite() || size <= 0.0 {
            return Ok(());
        }
        let (x, y) = (trm.m31, self.top - trm.m32);
        let Some(page) = self.pages.last_mut() else {
            return Ok(());
        };
        self.glyphs += 1;
        page.glyphs.push(Glyph {
            x,
            y,
            end: x + width * size,
            size,
            text: unligature(text),
            string: page.strings,
            bold: false,
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        if let Some(page) = self.pages.last_mut() {
            page.strings += 1;
        }
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

fn unligature(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'ﬀ' => out.push_str("ff"),
            'ﬁ' => out.push_str("fi"),
            'ﬂ' => out.push_str("fl"),
            'ﬃ' => out.push_str("ffi"),
            'ﬄ' => out.push_str("ffl"),
            'ﬅ' | 'ﬆ' => out.push_str("st"),
            '\u{a0}' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}
