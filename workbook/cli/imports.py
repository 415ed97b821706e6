"""``workbook import FILE [--dry-run] [--map H=col] [--sheet S]`` and ``workbook import --reset``.

A file with Kreis keys goes into the Kreis overlay, one with Gemeinde keys into the Gemeinde overlay;
``--reset`` removes both."""

from __future__ import annotations


def run(args) -> int:
    """Print what was taken and refused; a refused file is an ``InputFileError`` (exit 2)."""
    from ..data.importer import import_file, parse_map
    from ..data.overlay import GEMEINDE, overlay_path, reset_gemeinde_overlay, reset_overlay
    from ..errors import InputFileError
    from ..texts import data as T

    if args.reset:                      # both overlays: the Kreise's and the Gemeinden's
        existed = reset_overlay()
        print((T.IMP_RESET_DONE if existed else T.IMP_RESET_NONE).format(path=overlay_path()))
        existed = reset_gemeinde_overlay()
        print((T.IMP_RESET_GEM_DONE if existed else T.IMP_RESET_GEM_NONE).format(path=overlay_path(GEMEINDE)))
        return 0
    if not args.file:
        raise InputFileError(T.IMP_NO_FILE)
    result = import_file(args.file, mapping=parse_map(args.map), sheet=args.sheet, dry_run=args.dry_run)
    for line in result.summary_lines():
        print(line)
    return 0
