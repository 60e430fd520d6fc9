#!/usr/bin/env python3
"""Validates open-data exports against the official schemas (not ours).

    open-data-validate.py 360giving FILE.json SCHEMA_DIR
    open-data-validate.py iati FILE.xml SCHEMA_DIR

360Giving: the Data Standard 1.4.3 package schema (JSON Schema 2020-12), whose grants
refer to the grant schema by its 1.4.2 URL: the `referencing` registry maps that URL
(and the 1.4.3 one) to the local copy, so nothing is fetched. Formats (date-time, uri)
are checked too. IATI: the Activity Standard 2.03 XSD set, loaded by `xmlschema`.
Prints one line per problem and exits 1 if there is any.
"""
import json
import sys
from pathlib import Path


def validate_360giving(path, schemas):
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    package = json.loads((schemas / "360-giving-package-schema.json").read_text())
    grant = json.loads((schemas / "360-giving-schema.json").read_text())
    # The schemas name their dialect as http://json-schema.org/draft/2020-12/schema (http,
    # not https), which `referencing` does not detect: the dialect is stated here.
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [
            ("https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
             resource),
            (grant["$id"], resource),
        ]
    )
    validator = jsonschema.Draft202012Validator(
        package, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    document = json.loads(Path(path).read_text())
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    for error in errors:
        print(f"360giving: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    return len(errors), f"{len(document.get('grants', []))} grants"


def validate_iati(path, schemas):
    import xmlschema

    schema = xmlschema.XMLSchema(str(schemas / "iati-2.03" / "iati-activities-schema.xsd"))
    errors = list(schema.iter_errors(str(path)))
    for error in errors:
        print(f"iati: {error.path}: {error.reason}")
    document = schema.to_dict(str(path), validation="skip")
    activities = document.get("iati-activity", [])
    transactions = sum(len(activity.get("transaction", [])) for activity in activities)
    return len(errors), f"{len(activities)} activities, {transactions} transactions"


def main():
    kind, path, schemas = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    count, summary = (validate_360giving if kind == "360giving" else validate_iati)(path, schemas)
    if count:
        print(f"{path}: {count} problem(s) against the official {kind} schema")
        sys.exit(1)
    print(f"{path}: valid {kind} ({summary})")


if __name__ == "__main__":
    main()
