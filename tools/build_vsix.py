"""Build the VS Code extension's .vsix from editors/vscode without Node, and check one.

    python tools/build_vsix.py [--out DIR]        # writes DIR/kasu-<version>.vsix (default: editors/vscode)
    python tools/build_vsix.py --check FILE.vsix  # the archive's manifest and files, as `code` reads them

A .vsix is a zip in the Open Packaging Conventions layout that `vsce package` writes:
`[Content_Types].xml` (a content type for each file extension in the archive),
`extension.vsixmanifest` (the VSIX 2.0 manifest: identity, display name, description, tags,
categories, the VS Code engine, and the assets — the extension's package.json, README and
license) and the extension's files under `extension/`. The files are those of editors/vscode less
what `.vscodeignore` excludes; the extension has no npm dependency (extension.js speaks the
Language Server Protocol itself), so nothing else belongs in it. Entries are written in a fixed
order with a fixed time, so the same sources give the same bytes. The Node route
(`npx @vscode/vsce package`) stays for development; compared with what vsce 3 writes for the same
sources, the archive has the same entries, content types, identity, properties and assets.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "editors" / "vscode"
VSX = "http://schemas.microsoft.com/developer/vsx-schema/2011"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
CONTENT_TYPES = {".json": "application/json", ".js": "application/javascript", ".md": "text/markdown",
                 ".txt": "text/plain", ".png": "image/png", ".svg": "image/svg+xml", ".xml": "text/xml",
                 ".vsixmanifest": "text/xml"}
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
ALWAYS_LEFT_OUT = ("node_modules/**", ".vscode/**", "*.vsix", ".vscodeignore", ".gitignore")
# files the manifest names as assets, with the asset type `code` and the Marketplace read
LICENSE_ASSET = "Microsoft.VisualStudio.Services.Content.License"
ASSETS = (("Microsoft.VisualStudio.Code.Manifest", "extension/package.json"),
          ("Microsoft.VisualStudio.Services.Content.Details", "extension/README.md"),
          (LICENSE_ASSET, "extension/LICENSE.txt"))


def ignored(relative: str, patterns: list[str]) -> bool:
    """Whether `.vscodeignore` (gitignore-like globs) or the fixed list leaves a file out."""
    for pattern in list(ALWAYS_LEFT_OUT) + patterns:
        pattern = pattern.strip().lstrip("/")
        if not pattern or pattern.startswith("#"):
            continue
        if pattern.endswith("/**"):
            if relative.startswith(pattern[:-2]):
                return True
        elif fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(PurePosixPath(relative).name, pattern):
            return True
    return False


def extension_files(source: Path = SOURCE) -> list[tuple[str, Path]]:
    """(path inside the archive, file) for every file of the extension, sorted; the license as
    LICENSE.txt, as vsce names it."""
    ignore = source / ".vscodeignore"
    patterns = ignore.read_text(encoding="utf-8").splitlines() if ignore.is_file() else []
    out = []
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(source).as_posix()
        if ignored(relative, patterns) or any(part.startswith(".") for part in PurePosixPath(relative).parts):
            continue
        name = "LICENSE.txt" if relative == "LICENSE" else relative
        out.append((f"extension/{name}", path))
    return out


def manifest(package: dict[str, object]) -> str:
    """The extension.vsixmanifest of a package.json."""
    def text(value: object) -> str:
        return escape(str(value))

    contributes = package.get("contributes") or {}
    languages = contributes.get("languages", []) if isinstance(contributes, dict) else []
    tags = list(package.get("keywords") or [])  # type: ignore[call-overload]
    for language in languages:
        tags += [language["id"]] + list(language.get("aliases", []))
        tags += [f"__ext_{ext.lstrip('.')}" for ext in language.get("extensions", [])]
    repository = package.get("repository")
    source = repository.get("url") if isinstance(repository, dict) else repository
    engines = package.get("engines") or {}
    properties = [
        ("Microsoft.VisualStudio.Code.Engine", engines.get("vscode", "*") if isinstance(engines, dict) else "*"),
        ("Microsoft.VisualStudio.Code.ExtensionDependencies", ",".join(package.get("extensionDependencies") or [])),  # type: ignore[arg-type]
        ("Microsoft.VisualStudio.Code.ExtensionPack", ",".join(package.get("extensionPack") or [])),  # type: ignore[arg-type]
        ("Microsoft.VisualStudio.Code.ExtensionKind", "workspace"),
        ("Microsoft.VisualStudio.Code.LocalizedLanguages", ""),
        ("Microsoft.VisualStudio.Code.EnabledApiProposals", ""),
        *((("Microsoft.VisualStudio.Code.ExecutesCode", "true"),) if package.get("main") else ()),
        ("Microsoft.VisualStudio.Services.GitHubFlavoredMarkdown", "true"),
        ("Microsoft.VisualStudio.Services.Content.Pricing", "Free"),
    ]
    if source:
        properties += [("Microsoft.VisualStudio.Services.Links.Source", source),
                       ("Microsoft.VisualStudio.Services.Links.Getstarted", source)]
        if "github.com/" in str(source):
            properties.append(("Microsoft.VisualStudio.Services.Links.GitHub", source))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<PackageManifest Version="2.0.0" xmlns="{VSX}" '
        'xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">',
        "  <Metadata>",
        f'    <Identity Language="en-US" Id={quoteattr(str(package["name"]))} '
        f'Version={quoteattr(str(package["version"]))} Publisher={quoteattr(str(package["publisher"]))} />',
        f"    <DisplayName>{text(package.get('displayName') or package['name'])}</DisplayName>",
        f'    <Description xml:space="preserve">{text(package.get("description", ""))}</Description>',
        f"    <Tags>{text(','.join(dict.fromkeys(str(t) for t in tags)))}</Tags>",
        f"    <Categories>{text(','.join(package.get('categories') or []))}</Categories>",  # type: ignore[arg-type]
        "    <GalleryFlags>Public</GalleryFlags>",
        "    <Properties>",
        *(f"      <Property Id={quoteattr(k)} Value={quoteattr(str(v))} />" for k, v in properties),
        "    </Properties>",
        "    <License>extension/LICENSE.txt</License>",
        "  </Metadata>",
        "  <Installation>",
        '    <InstallationTarget Id="Microsoft.VisualStudio.Code" />',
        "  </Installation>",
        "  <Dependencies />",
        "  <Assets>",
        *(f'    <Asset Type="{kind}" Path="{path}" Addressable="true" />' for kind, path in ASSETS),
        "  </Assets>",
        "</PackageManifest>",
    ]
    return "\n".join(lines) + "\n"


def content_types(names: list[str]) -> str:
    """[Content_Types].xml: one Default per file extension in the archive."""
    extensions = sorted({PurePosixPath(n).suffix.lower() for n in names if PurePosixPath(n).suffix} | {".vsixmanifest"})
    rows = [f'  <Default Extension="{ext}" ContentType="{CONTENT_TYPES.get(ext, "application/octet-stream")}" />'
            for ext in extensions]
    return f'<?xml version="1.0" encoding="utf-8"?>\n<Types xmlns="{TYPES}">\n' + "\n".join(rows) + "\n</Types>\n"


def build(out_dir: Path, source: Path = SOURCE) -> Path:
    """Write `kasu-<version>.vsix` into `out_dir` and return its path."""
    package = json.loads((source / "package.json").read_text(encoding="utf-8"))
    files = extension_files(source)
    target = out_dir / f"{package['name']}-{package['version']}.vsix"
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = [("extension.vsixmanifest", manifest(package).encode("utf-8"))]
    entries += [(name, path.read_bytes()) for name, path in files]
    entries.insert(0, ("[Content_Types].xml", content_types([n for n, _ in entries]).encode("utf-8")))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return target


def check(path: Path, source: Path = SOURCE) -> list[str]:
    """What is wrong with a .vsix, as `code --install-extension` and the Marketplace read it (empty: nothing)."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        for required in ("[Content_Types].xml", "extension.vsixmanifest", "extension/package.json"):
            if required not in names:
                problems.append(f"{required} is missing")
        if problems:
            return problems
        package = json.loads(archive.read("extension/package.json"))
        root = ET.fromstring(archive.read("extension.vsixmanifest"))
        types = ET.fromstring(archive.read("[Content_Types].xml"))
        ns = {"v": VSX}
        identity = root.find("v:Metadata/v:Identity", ns)
        if identity is None:
            return ["the manifest has no Identity"]
        for attr, key in (("Id", "name"), ("Version", "version"), ("Publisher", "publisher")):
            if identity.get(attr) != package.get(key):
                problems.append(f"Identity {attr}={identity.get(attr)!r} but package.json {key}={package.get(key)!r}")
        engine = {p.get("Id"): p.get("Value") for p in root.iterfind("v:Metadata/v:Properties/v:Property", ns)}
        if engine.get("Microsoft.VisualStudio.Code.Engine") != package["engines"]["vscode"]:
            problems.append("the Code.Engine property differs from engines.vscode")
        target = root.find("v:Installation/v:InstallationTarget", ns)
        if target is None or target.get("Id") != "Microsoft.VisualStudio.Code":
            problems.append("the installation target is not Microsoft.VisualStudio.Code")
        for asset in root.iterfind("v:Assets/v:Asset", ns):
            if asset.get("Path") not in names:
                problems.append(f"asset {asset.get('Type')} names {asset.get('Path')}, which is not in the archive")
        declared = {d.get("Extension", "").lower() for d in types}
        for name in names:
            suffix = PurePosixPath(name).suffix.lower()
            if suffix and suffix not in declared and name != "[Content_Types].xml":
                problems.append(f"no content type for {name}")
        main = package.get("main", "").lstrip("./")
        needed = [f"extension/{main}"] if main else []
        for grammar in package.get("contributes", {}).get("grammars", []):
            needed.append("extension/" + grammar["path"].lstrip("./"))
        for language in package.get("contributes", {}).get("languages", []):
            if "configuration" in language:
                needed.append("extension/" + language["configuration"].lstrip("./"))
        for name in needed:
            if name not in names:
                problems.append(f"{name} (named by package.json) is missing")
        if any(n.startswith(("extension/test/", "extension/node_modules/")) for n in names):
            problems.append("tests or node_modules were packed")
        if package.get("dependencies"):
            problems.append("package.json has npm dependencies, which this archive does not carry")
        for name, path in extension_files(source):
            if name not in names:
                problems.append(f"{name} is missing")
            elif archive.read(name) != path.read_bytes():
                problems.append(f"{name} differs from {path}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=SOURCE, help="the directory to write kasu-<version>.vsix to")
    parser.add_argument("--check", type=Path, metavar="VSIX", help="check this archive instead of building one")
    args = parser.parse_args(argv)
    if args.check is not None:
        problems = check(args.check)
        for problem in problems:
            print(f"{args.check}: {problem}", file=sys.stderr)
        if not problems:
            print(f"{args.check}: manifest and files as package.json says")
        return 1 if problems else 0
    path = build(args.out)
    print(f"wrote {path} ({path.stat().st_size:,} bytes); install it with: code --install-extension {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
