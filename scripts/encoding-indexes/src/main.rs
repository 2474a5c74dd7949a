//! Prints the Encoding Standard's indexes, as encoding_rs (the implementation
//! browsers use) decodes them, as one JSON object: for each single-byte
//! encoding the code points of bytes 0x80-0xFF (0: none), and for the
//! multi-byte indexes the code point of each pointer (0: none). Each pointer is
//! found by decoding the byte sequence the Standard's decoder turns into it, so
//! the tables are exactly what the decoders of encoding_rs produce.
use encoding_rs::{DecoderResult, Encoding, BIG5, EUC_JP, EUC_KR, GB18030, SHIFT_JIS};

fn decode(enc: &'static Encoding, bytes: &[u8]) -> Option<Vec<u32>> {
    let mut d = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(16);
    let (r, _) = d.decode_to_string_without_replacement(bytes, &mut out, true);
    matches!(r, DecoderResult::InputEmpty).then(|| out.chars().map(|c| c as u32).collect())
}

/// The one code point a sequence decodes to, if it is not ASCII.
fn one(enc: &'static Encoding, bytes: &[u8]) -> Option<u32> {
    decode(enc, bytes).filter(|c| c.len() == 1 && c[0] >= 0x80).map(|c| c[0])
}

fn main() {
    let mut fields = Vec::new();
    let single = [
        "IBM866", "ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6", "ISO-8859-7",
        "ISO-8859-8", "ISO-8859-10", "ISO-8859-13", "ISO-8859-14", "ISO-8859-15", "ISO-8859-16", "KOI8-R",
        "KOI8-U", "macintosh", "windows-874", "windows-1250", "windows-1251", "windows-1252", "windows-1253",
        "windows-1254", "windows-1255", "windows-1256", "windows-1257", "windows-1258", "x-mac-cyrillic",
    ];
    for name in single {
        let e = Encoding::for_label(name.as_bytes()).expect("a label of the Standard");
        let v: Vec<u32> = (0x80u8..=0xff).map(|b| one(e, &[b]).unwrap_or(0)).collect();
        fields.push(format!("{:?}:{:?}", name.to_lowercase(), v));
    }
    // jis0208 through Shift_JIS (which reaches every pointer; 8836-10715 are
    // its user-defined range, computed by the decoder, not in the index).
    let mut jis0208 = vec![0u32; 11104];
    for lead in (0x81u32..=0x9f).chain(0xe0..=0xfc) {
        for trail in (0x40u32..=0x7e).chain(0x80..=0xfc) {
            let p = (lead - if lead < 0xa0 { 0x81 } else { 0xc1 }) * 188 + trail - if trail < 0x7f { 0x40 } else { 0x41 };
            if (p as usize) < jis0208.len() && !(8836..=10715).contains(&p) {
                jis0208[p as usize] = one(SHIFT_JIS, &[lead as u8, trail as u8]).unwrap_or(0);
            }
        }
    }
    fields.push(format!("\"jis0208\":{jis0208:?}"));
    let mut jis0212 = vec![0u32; 94 * 94];
    for lead in 0xa1u32..=0xfe {
        for trail in 0xa1u32..=0xfe {
            jis0212[((lead - 0xa1) * 94 + trail - 0xa1) as usize] = one(EUC_JP, &[0x8f, lead as u8, trail as u8]).unwrap_or(0);
        }
    }
    fields.push(format!("\"jis0212\":{jis0212:?}"));
    let mut euc_kr = vec![0u32; 23750];
    for lead in 0x81u32..=0xfe {
        for trail in 0x41u32..=0xfe {
            let p = ((lead - 0x81) * 190 + trail - 0x41) as usize;
            if p < euc_kr.len() {
                euc_kr[p] = one(EUC_KR, &[lead as u8, trail as u8]).unwrap_or(0);
            }
        }
    }
    fields.push(format!("\"euc-kr\":{euc_kr:?}"));
    // Big5: the four pointers that decode to two code points are the decoder's.
    let mut big5 = vec![0u32; 19782];
    for lead in 0x81u32..=0xfe {
        for trail in (0x40u32..=0x7e).chain(0xa1..=0xfe) {
            let p = ((lead - 0x81) * 157 + trail - if trail < 0x7f { 0x40 } else { 0x62 }) as usize;
            if p < big5.len() {
                big5[p] = one(BIG5, &[lead as u8, trail as u8]).unwrap_or(0);
            }
        }
    }
    fields.push(format!("\"big5\":{big5:?}"));
    let mut gb18030 = vec![0u32; 23940];
    for lead in 0x81u32..=0xfe {
        for trail in (0x40u32..=0x7e).chain(0x80..=0xfe) {
            let p = ((lead - 0x81) * 190 + trail - if trail < 0x7f { 0x40 } else { 0x41 }) as usize;
            if p < gb18030.len() {
                gb18030[p] = decode(GB18030, &[lead as u8, trail as u8]).filter(|c| c.len() == 1).map_or(0, |c| c[0]);
            }
        }
    }
    fields.push(format!("\"gb18030\":{gb18030:?}"));
    // The four-byte pointers below 39420 as ranges: [pointer, code point] where
    // the offset between them changes.
    let mut ranges = Vec::new();
    let mut last = i64::MIN;
    for p in 0u32..39420 {
        let bytes = [(p / 12600 + 0x81) as u8, ((p / 1260) % 10 + 0x30) as u8, ((p / 10) % 126 + 0x81) as u8, (p % 10 + 0x30) as u8];
        let c = decode(GB18030, &bytes).expect("every four-byte pointer below 39420 decodes")[0];
        if c as i64 - p as i64 != last {
            ranges.push(p);
            ranges.push(c);
            last = c as i64 - p as i64;
        }
    }
    fields.push(format!("\"gb18030-ranges\":{ranges:?}"));
    println!("{{{}}}", fields.join(","));
}
