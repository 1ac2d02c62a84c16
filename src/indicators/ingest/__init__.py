"""The import stage: an analyst's file becomes validated observation rows, or a French refusal.

In the order a file goes through them:

- `reading`: bytes to a table of strings with the file's own line numbers (any usual encoding,
  delimiter, CSV or XLSX); `file_kinds` names what was read;
- `privacy`: a file holding data about a person is refused whole;
- `parsing`: headers, layouts and values parsed and checked, every problem by line and column
  (`distinct`: string work done once per distinct value);
- `pipeline`: analyse (never writes), preview, then commit, with every outcome in the audit log;
- `templates`: the import template and the column guide.
"""
