//! node:fs over WASI preopens: the directories the host grants (`jsw run --dir
//! HOST::GUEST`) are the whole file system a module sees. Paths resolve through
//! wasi-libc's preopen table, and the host (wasmtime's cap-std) refuses anything
//! that leaves a grant, `..` and symlinks included; such a refusal is reported
//! as Node's EACCES. Every call is synchronous (WASI preview 1 has no other
//! kind); node/fs.js builds the callback and promise forms on top.
//!
//! At build time no directory is granted, and wasi-libc reads its preopen table
//! once, on first use: a lookup then would leave the snapshot with an empty
//! table for good. So at build time every call fails before reaching libc.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{FromRawFd, IntoRawFd};
use std::time::SystemTime;

use rquickjs::{Array, Ctx, Exception, Function, Object, TypedArray, Value};

/// What failed, for the error Node would give: `syscall`, `path`, `dest`.
struct Call<'a> {
    syscall: &'a str,
    path: Option<&'a str>,
    dest: Option<&'a str>,
}

fn call<'a>(syscall: &'a str, path: &'a str) -> Call<'a> {
    Call {
        syscall,
        path: Some(path),
        dest: None,
    }
}

/// A call on a descriptor: Node's error names no path.
fn on_fd(syscall: &str) -> Call<'_> {
    Call {
        syscall,
        path: None,
        dest: None,
    }
}

/// A call from one path to another (rename, copyfile, symlink, link).
fn two<'a>(syscall: &'a str, path: &'a str, dest: &'a str) -> Call<'a> {
    Call {
        syscall,
        path: Some(path),
        dest: Some(dest),
    }
}

/// WASI's errno (wasi-libc numbering) as Node on Linux reports it: code, errno
/// and libuv's description.
fn describe(wasi_errno: i32) -> (&'static str, i32, &'static str) {
    match wasi_errno {
        2 | 76 => ("EACCES", -13, "permission denied"),
        8 => ("EBADF", -9, "bad file descriptor"),
        10 => ("EBUSY", -16, "resource busy or locked"),
        20 => ("EEXIST", -17, "file already exists"),
        22 => ("EFBIG", -27, "file too large"),
        28 => ("EINVAL", -22, "invalid argument"),
        31 => ("EISDIR", -21, "illegal operation on a directory"),
        32 => ("ELOOP", -40, "too many symbolic links encountered"),
        33 => ("EMFILE", -24, "too many open files"),
        37 => ("ENAMETOOLONG", -36, "name too long"),
        44 => ("ENOENT", -2, "no such file or directory"),
        51 => ("ENOSPC", -28, "no space left on device"),
        52 => ("ENOSYS", -38, "function not implemented"),
        54 => ("ENOTDIR", -20, "not a directory"),
        55 => ("ENOTEMPTY", -39, "directory not empty"),
        58 => ("ENOTSUP", -95, "operation not supported on socket"),
        63 => ("EPERM", -1, "operation not permitted"),
        69 => ("EROFS", -30, "read-only file system"),
        70 => ("ESPIPE", -29, "invalid seek"),
        75 => ("EXDEV", -18, "cross-device link not permitted"),
        _ => ("EIO", -5, "i/o error"),
    }
}

fn throw(ctx: &Ctx<'_>, error: std::io::Error, at: Call<'_>) -> rquickjs::Error {
    use std::io::ErrorKind;
    let errno = error.raw_os_error().unwrap_or(match error.kind() {
        ErrorKind::NotFound => 44,
        ErrorKind::PermissionDenied => 2,
        ErrorKind::AlreadyExists => 20,
        ErrorKind::InvalidInput => 28,
        ErrorKind::Unsupported => 52,
        _ => 29,
    });
    let (code, errno, text) = describe(errno);
    let mut message = format!("{code}: {text}, {}", at.syscall);
    if let Some(path) = at.path {
        message.push_str(&format!(" '{path}'"));
    }
    if let Some(dest) = at.dest {
        message.push_str(&format!(" -> '{dest}'"));
    }
    let made = (|| -> rquickjs::Result<Value<'_>> {
        let e = super::new_error(ctx, &message)?;
        e.set("errno", errno)?;
        e.set("code", code)?;
        e.set("syscall", at.syscall)?;
        if let Some(path) = at.path {
            e.set("path", path)?;
        }
        if let Some(dest) = at.dest {
            e.set("dest", dest)?;
        }
        Ok(e.into_value())
    })();
    match made {
        Ok(e) => ctx.throw(e),
        Err(e) => e,
    }
}

fn at_build(ctx: &Ctx<'_>, syscall: &str, path: &str) -> rquickjs::Result<()> {
    if crate::phase::is_build() {
        return Err(Exception::throw_message(
            ctx,
            &format!(
                "fs.{syscall}('{path}') was called while the program's top level runs at build time, when no files are granted; read files when the program runs (in main or a handler), with `jsw run --dir HOST::GUEST`"
            ),
        ));
    }
    Ok(())
}

fn millis(t: std::io::Result<SystemTime>) -> f64 {
    t.ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// [mode, size, atimeMs, mtimeMs, ctimeMs, birthtimeMs]; WASI does not give
/// permissions, so mode is the usual 0644 / 0755 / 0777 for the file's type.
fn stat_array<'js>(ctx: &Ctx<'js>, m: &std::fs::Metadata) -> rquickjs::Result<Array<'js>> {
    let kind = m.file_type();
    let mode = if kind.is_dir() {
        0o040755
    } else if kind.is_symlink() {
        0o120777
    } else if kind.is_file() {
        0o100644
    } else {
        0o020666
    };
    let a = Array::new(ctx.clone())?;
    let mtime = millis(m.modified());
    for (i, v) in [
        mode as f64,
        m.len() as f64,
        millis(m.accessed()),
        mtime,
        mtime,
        m.created().map_or(mtime, |t| millis(Ok(t))),
    ]
    .into_iter()
    .enumerate()
    {
        a.set(i, v)?;
    }
    Ok(a)
}

/// The File behind a descriptor the program holds, without taking ownership.
fn borrowed(fd: i32) -> ManuallyDrop<File> {
    // SAFETY: the descriptor stays owned by the program (closed by fs.close);
    // ManuallyDrop keeps this File from closing it. A descriptor that is not
    // open only makes WASI return EBADF.
    ManuallyDrop::new(unsafe { File::from_raw_fd(fd) })
}

fn open_options(flags: &str) -> Option<OpenOptions> {
    let mut o = OpenOptions::new();
    match flags {
        "r" | "rs" | "sr" => o.read(true),
        "r+" | "rs+" | "sr+" => o.read(true).write(true),
        "w" => o.write(true).create(true).truncate(true),
        "wx" | "xw" => o.write(true).create_new(true),
        "w+" => o.read(true).write(true).create(true).truncate(true),
        "wx+" | "xw+" => o.read(true).write(true).create_new(true),
        "a" | "as" | "sa" => o.append(true).create(true),
        "ax" | "xa" => o.append(true).create_new(true),
        "a+" | "as+" | "sa+" => o.read(true).append(true).create(true),
        "ax+" | "xa+" => o.read(true).append(true).create_new(true),
        _ => return None,
    };
    Some(o)
}

/// `open_options`, or Node's TypeError for flags it does not know.
fn options_for(ctx: &Ctx<'_>, flags: &str) -> rquickjs::Result<OpenOptions> {
    open_options(flags).ok_or_else(|| {
        Exception::throw_type(
            ctx,
            &format!("The value \"{flags}\" is invalid for option \"flags\""),
        )
    })
}

/// Runs `op` at `position` (when it is not negative) and puts the file's own
/// position back after, as pread/pwrite leave it; at the current position else.
fn at_position<T>(
    file: &mut File,
    position: f64,
    op: impl FnOnce(&mut File) -> std::io::Result<T>,
) -> std::io::Result<T> {
    if position < 0.0 {
        return op(file);
    }
    let back = file.stream_position()?;
    file.seek(SeekFrom::Start(position as u64))?;
    let result = op(file);
    file.seek(SeekFrom::Start(back))?;
    result
}

macro_rules! native {
    ($o:ident, $ctx:ident, $name:literal, $f:expr) => {
        $o.set($name, Function::new($ctx.clone(), $f)?)?;
    };
}

pub fn natives<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Object<'js>> {
    let o = Object::new(ctx.clone())?;
    native!(o, ctx, "open", |ctx: Ctx<'js>,
                             path: String,
                             flags: String|
     -> rquickjs::Result<i32> {
        at_build(&ctx, "open", &path)?;
        let options = options_for(&ctx, &flags)?;
        let file = options
            .open(&path)
            .map_err(|e| throw(&ctx, e, call("open", &path)))?;
        Ok(file.into_raw_fd())
    });
    native!(o, ctx, "close", |ctx: Ctx<'js>,
                              fd: i32|
     -> rquickjs::Result<()> {
        // Closing reports nothing in std; a descriptor that was not open is EBADF.
        let file = borrowed(fd);
        file.metadata()
            .map_err(|e| throw(&ctx, e, on_fd("close")))?;
        drop(ManuallyDrop::into_inner(file));
        Ok(())
    });
    native!(o, ctx, "read", |ctx: Ctx<'js>,
                             fd: i32,
                             target: TypedArray<'js, u8>,
                             offset: usize,
                             length: usize,
                             position: f64|
     -> rquickjs::Result<usize> {
        let raw = target.as_raw().ok_or(rquickjs::Error::Unknown)?;
        // SAFETY: the view's own bytes; no JS runs while this call writes them.
        let buf = unsafe { &mut *raw.as_ptr() };
        let end = offset.saturating_add(length).min(buf.len());
        let buf = &mut buf[offset.min(end)..end];
        if fd == 0 {
            at_build(&ctx, "readSync", "/dev/stdin")?;
            // What the program wrote (a prompt) shows before it waits for input.
            crate::io::flush();
        }
        let mut file = borrowed(fd);
        let err = |e| throw(&ctx, e, on_fd("read"));
        at_position(&mut file, position, |f| f.read(buf)).map_err(err)
    });
    native!(o, ctx, "write", |ctx: Ctx<'js>,
                              fd: i32,
                              bytes: TypedArray<'js, u8>,
                              position: f64|
     -> rquickjs::Result<usize> {
        let bytes = super::bytes(&bytes);
        if fd == 1 || fd == 2 {
            // console output is buffered: it goes out first, in program order.
            crate::io::flush();
        }
        let mut file = borrowed(fd);
        let err = |e| throw(&ctx, e, on_fd("write"));
        at_position(&mut file, position, |f| f.write_all(bytes)).map_err(err)?;
        Ok(bytes.len())
    });
    native!(o, ctx, "fstat", |ctx: Ctx<'js>,
                              fd: i32|
     -> rquickjs::Result<Array<'js>> {
        let m = borrowed(fd)
            .metadata()
            .map_err(|e| throw(&ctx, e, on_fd("fstat")))?;
        stat_array(&ctx, &m)
    });
    native!(o, ctx, "ftruncate", |ctx: Ctx<'js>,
                                  fd: i32,
                                  len: f64|
     -> rquickjs::Result<()> {
        borrowed(fd)
            .set_len(len.max(0.0) as u64)
            .map_err(|e| throw(&ctx, e, on_fd("ftruncate")))
    });
    native!(o, ctx, "readFile", |ctx: Ctx<'js>,
                                 path: String|
     -> rquickjs::Result<
        TypedArray<'js, u8>,
    > {
        at_build(&ctx, "readFile", &path)?;
        let bytes = std::fs::read(&path).map_err(|e| {
            // Node opens a directory and fails at read, without the path; WASI
            // fails at open, so the directory is recognised here.
            if std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                let e = std::io::Error::from_raw_os_error(31);
                return throw(&ctx, e, on_fd("read"));
            }
            throw(&ctx, e, call("open", &path))
        })?;
        TypedArray::new(ctx, bytes)
    });
    native!(o, ctx, "writeFile", |ctx: Ctx<'js>,
                                  path: String,
                                  bytes: TypedArray<'js, u8>,
                                  flags: String|
     -> rquickjs::Result<()> {
        at_build(&ctx, "writeFile", &path)?;
        let options = options_for(&ctx, &flags)?;
        let mut file = options
            .open(&path)
            .map_err(|e| throw(&ctx, e, call("open", &path)))?;
        file.write_all(super::bytes(&bytes))
            .map_err(|e| throw(&ctx, e, on_fd("write")))
    });
    native!(
        o,
        ctx,
        "stat",
        |ctx: Ctx<'js>, path: String, follow: bool| -> rquickjs::Result<Option<Array<'js>>> {
            let syscall = if follow { "stat" } else { "lstat" };
            at_build(&ctx, syscall, &path)?;
            let m = if follow {
                std::fs::metadata(&path)
            } else {
                std::fs::symlink_metadata(&path)
            };
            match m {
                Ok(m) => stat_array(&ctx, &m).map(Some),
                Err(e) => Err(throw(&ctx, e, call(syscall, &path))),
            }
        }
    );
    native!(o, ctx, "readdir", |ctx: Ctx<'js>,
                                path: String|
     -> rquickjs::Result<Array<'js>> {
        at_build(&ctx, "scandir", &path)?;
        let entries =
            std::fs::read_dir(&path).map_err(|e| throw(&ctx, e, call("scandir", &path)))?;
        let out = Array::new(ctx.clone())?;
        for (i, entry) in entries.enumerate() {
            let entry = entry.map_err(|e| throw(&ctx, e, call("scandir", &path)))?;
            // 1 file, 2 directory, 3 symlink, 0 anything else (as Node's UV_DIRENT_*
            // order is not needed: node/fs.js maps these).
            let kind = match entry.file_type() {
                Ok(t) if t.is_file() => 1,
                Ok(t) if t.is_dir() => 2,
                Ok(t) if t.is_symlink() => 3,
                _ => 0,
            };
            let pair = Array::new(ctx.clone())?;
            pair.set(0, entry.file_name().to_string_lossy().into_owned())?;
            pair.set(1, kind)?;
            out.set(i, pair)?;
        }
        Ok(out)
    });
    native!(o, ctx, "mkdir", |ctx: Ctx<'js>,
                              path: String|
     -> rquickjs::Result<()> {
        at_build(&ctx, "mkdir", &path)?;
        std::fs::create_dir(&path).map_err(|e| throw(&ctx, e, call("mkdir", &path)))
    });
    native!(o, ctx, "rmdir", |ctx: Ctx<'js>,
                              path: String|
     -> rquickjs::Result<()> {
        at_build(&ctx, "rmdir", &path)?;
        std::fs::remove_dir(&path).map_err(|e| throw(&ctx, e, call("rmdir", &path)))
    });
    native!(o, ctx, "unlink", |ctx: Ctx<'js>,
                               path: String|
     -> rquickjs::Result<()> {
        at_build(&ctx, "unlink", &path)?;
        std::fs::remove_file(&path).map_err(|e| throw(&ctx, e, call("unlink", &path)))
    });
    native!(o, ctx, "rename", |ctx: Ctx<'js>,
                               from: String,
                               to: String|
     -> rquickjs::Result<()> {
        at_build(&ctx, "rename", &from)?;
        std::fs::rename(&from, &to).map_err(|e| throw(&ctx, e, two("rename", &from, &to)))
    });
    native!(o, ctx, "copyFile", |ctx: Ctx<'js>,
                                 from: String,
                                 to: String,
                                 exclusive: bool|
     -> rquickjs::Result<()> {
        at_build(&ctx, "copyfile", &from)?;
        let err = |e| throw(&ctx, e, two("copyfile", &from, &to));
        let mut source = File::open(&from).map_err(err)?;
        let mut options = OpenOptions::new();
        options.write(true);
        if exclusive {
            options.create_new(true);
        } else {
            options.create(true).truncate(true);
        }
        let mut target = options.open(&to).map_err(err)?;
        std::io::copy(&mut source, &mut target).map_err(err)?;
        Ok(())
    });
    native!(o, ctx, "readlink", |ctx: Ctx<'js>,
                                 path: String|
     -> rquickjs::Result<String> {
        at_build(&ctx, "readlink", &path)?;
        let target =
            std::fs::read_link(&path).map_err(|e| throw(&ctx, e, call("readlink", &path)))?;
        Ok(target.to_string_lossy().into_owned())
    });
    native!(o, ctx, "symlink", |ctx: Ctx<'js>,
                                target: String,
                                path: String|
     -> rquickjs::Result<()> {
        at_build(&ctx, "symlink", &path)?;
        unsafe extern "C" {
            // wasi-libc's symlink(), which resolves `path` through the preopens.
            fn symlink(target: *const core::ffi::c_char, path: *const core::ffi::c_char) -> i32;
        }
        let invalid = |_| Exception::throw_type(&ctx, "paths must not contain NUL bytes");
        let (t, p) = (
            std::ffi::CString::new(target.clone()).map_err(invalid)?,
            std::ffi::CString::new(path.clone()).map_err(invalid)?,
        );
        // SAFETY: two NUL-terminated strings that outlive the call.
        if unsafe { symlink(t.as_ptr(), p.as_ptr()) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(throw(&ctx, e, two("symlink", &target, &path)));
        }
        Ok(())
    });
    native!(o, ctx, "link", |ctx: Ctx<'js>,
                             existing: String,
                             path: String|
     -> rquickjs::Result<()> {
        at_build(&ctx, "link", &existing)?;
        std::fs::hard_link(&existing, &path)
            .map_err(|e| throw(&ctx, e, two("link", &existing, &path)))
    });
    native!(o, ctx, "truncate", |ctx: Ctx<'js>,
                                 path: String,
                                 len: f64|
     -> rquickjs::Result<()> {
        at_build(&ctx, "open", &path)?;
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|e| throw(&ctx, e, call("open", &path)))?;
        file.set_len(len.max(0.0) as u64)
            .map_err(|e| throw(&ctx, e, on_fd("ftruncate")))
    });
    Ok(o)
}
