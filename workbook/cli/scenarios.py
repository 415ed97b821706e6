"""``workbook scenarios list | show ID | validate FILE``."""

from __future__ import annotations


def list_scenarios(args) -> int:
    from ..params import load_scenarios
    from ..texts import scenarios as T

    print(T.LIST_HEADER)
    for sc in load_scenarios().values():
        print(T.list_line(sc.id, sc.title_de, len(sc.changes)))
    return 0


def show(args) -> int:
    from ..params import load_parameters, load_scenario
    from ..texts import scenarios as T

    parameters = load_parameters()
    sc = load_scenario(args.scenario, parameters=parameters)
    print(T.show_scenario(sc, parameters))
    return 0


def validate(args) -> int:
    """Validate a parameter file (records) or a scenario file (has 'changes')."""
    from ..params import validate_file
    from ..texts import scenarios as T

    checked = validate_file(args.file)
    if checked.scenario is not None:
        print(T.valid_scenario(checked.file, checked.scenario.id, len(checked.scenario.changes)))
    else:
        print(T.valid_parameters(checked.file, len(checked.records)))
    return 0
