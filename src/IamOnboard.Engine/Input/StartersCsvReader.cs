using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using IamOnboard.Onboarding;

namespace IamOnboard.Input;

/// <summary>One data row of a starters CSV: its request, or the problem that refuses it.</summary>
public sealed class StartersCsvRow
{
    internal StartersCsvRow(int row, int line, IReadOnlyDictionary<string, string> cells, UserOnboardingRequest? request, OnboardInputException? problem,
        IReadOnlyList<string>? ignored = null)
    {
        Row = row;
        Line = line;
        Cells = cells;
        Request = request;
        Problem = problem;
        Ignored = ignored ?? Array.Empty<string>();
    }

    /// <summary>1-based data row (the header is not a row).</summary>
    public int Row { get; }

    /// <summary>The file line the row starts on.</summary>
    public int Line { get; }

    /// <summary>Cell text by header as written, to show a refused row.</summary>
    public IReadOnlyDictionary<string, string> Cells { get; }

    /// <summary>The typed request (with Row and Line); null when the row is refused.</summary>
    public UserOnboardingRequest? Request { get; }

    public OnboardInputException? Problem { get; }

    /// <summary>Cells whose yes cannot take effect (see <see cref="UserRowMapping.Ignored"/>); said, not refused.</summary>
    public IReadOnlyList<string> Ignored { get; }
}

/// <summary>
/// Reads a CSV of new starters into typed requests, each row mapped once by <see cref="UserRowMapper"/>. Every check
/// that needs no call to IAM is made here for the whole file (names, paths, tags, yes/no cells, lists, duplicate
/// users, unknown columns, encoding), so a batch can refuse bad rows before the first change is made.
/// </summary>
public sealed class StartersCsvReader
{
    private readonly string _path;
    private readonly char _delimiter;
    private readonly string[] _headers;

    private StartersCsvReader(string path, char delimiter, string[] headers, int headerLine)
    {
        _path = path;
        _delimiter = delimiter;
        _headers = headers;
        HeaderLine = headerLine;
    }

    public int HeaderLine { get; }

    /// <summary>Reads and checks the header. Unknown columns are refused: a misspelt header would silently drop data.</summary>
    public static StartersCsvReader Open(string path, char delimiter = ',')
    {
        var header = CsvRecordReader.Read(path, delimiter).FirstOrDefault(r => !r.IsBlank)
            ?? throw new OnboardInputException("CsvEmpty", "Path", path, $"'{path}' has no header row.");
        if (SeparatorLine(header, delimiter) is { } separator)
        {
            // Excel's separator line ("sep=;"), which some exports write first and Excel honours: the file says how it
            // is separated, so it is read that way, and the header is the line after it.
            var separatorLine = header.Line;
            delimiter = separator;
            header = CsvRecordReader.Read(path, delimiter).FirstOrDefault(r => r.Line > separatorLine && !r.IsBlank)
                ?? throw new OnboardInputException("CsvEmpty", "Path", path, $"'{path}' has no header row after its line 'sep={separator}'.");
        }

        var headers = header.Fields.Select(f => f.Trim()).ToArray();
        var passwords = headers.Where(h => UserColumns.Resolve(h) == UserColumns.Password).ToList();
        var secrets = headers.Where(h => UserColumns.IsSecret(h)).ToList();
        if (secrets.Count > 0 || (passwords.Count > 0 && headers.Any(UserColumns.IsSignInLink)))
        {
            // Said before any other column is: the IAM console's file also has a Password column and unknown ones, and
            // what matters is that it is the wrong file. Its Password column is named too, as a secret.
            var named = headers.Where(h => UserColumns.IsSecret(h) || passwords.Contains(h)).ToList();
            throw new OnboardInputException("CsvSecretColumn", "Header", secrets.FirstOrDefault() ?? passwords[0], $"line {header.Line}: {UserColumns.SecretColumnsMessage(named)}");
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Length; i++)
        {
            var text = headers[i];
            if (text.Length == 0)
            {
                // Excel writes the empty columns at the right of a sheet (",," after the last name): kept while their
                // cells are empty; a row with a value in one is refused (ReadRows), since nothing says what it is.
                continue;
            }

            var column = UserColumns.Resolve(text);
            if (column == UserColumns.Password)
            {
                throw new OnboardInputException("CsvPasswordColumn", "Header", text,
                    $"line {header.Line}: a 'Password' column puts passwords in a file; leave it out and New-OnboardUser generates each password to the account's policy.");
            }

            if (column is null)
            {
                throw new OnboardInputException("CsvColumnUnknown", "Header", text,
                    $"line {header.Line}: column '{text}'{UnseenCharacters.InHeader(text)} is not one New-OnboardUser takes. Known columns: {string.Join(", ", UserColumns.Known.Keys)}.{DelimiterHint(text, delimiter)}");
            }

            if (seen.TryGetValue(column, out var earlier))
            {
                throw new OnboardInputException("CsvColumnRepeated", "Header", text, $"line {header.Line}: column '{text}' repeats '{earlier}' ({column}).");
            }

            seen[column] = text;
        }

        if (!seen.ContainsKey(UserColumns.UserName))
        {
            throw new OnboardInputException("CsvUserNameMissing", "Header", null, $"line {header.Line}: no 'User name' column.");
        }

        return new StartersCsvReader(path, delimiter, headers, header.Line);
    }

    /// <summary>The separator an Excel separator line ("sep=;", "sep=,") names, else null.</summary>
    private static char? SeparatorLine(CsvRecord record, char delimiter)
    {
        var text = string.Join(delimiter.ToString(), record.Fields);
        return text.Length == 5 && text.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) ? text[4] : null;
    }

    /// <summary>
    /// A header cell that holds known columns joined by another separator (a semicolon-separated export of a European
    /// Excel, a tab-separated one): the hint to give that separator.
    /// </summary>
    internal static string DelimiterHint(string cell, char delimiter)
    {
        if (cell.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) && cell.Length <= 5)
        {
            // Import-Csv read Excel's separator line as the header (with ',' it splits it: 'sep=' is left).
            var named = cell.Length == 5 ? cell[4] : delimiter;
            var shown = named == '\t' ? "\"`t\"" : "'" + named + "'";
            return $" The file's first line, 'sep={named}', is a spreadsheet's separator line, not a header: read the file with Import-OnboardCsv, which honours it, or skip the line (Get-Content FILE | Select-Object -Skip 1 | ConvertFrom-Csv -Delimiter {shown}).";
        }

        foreach (var other in new[] { ';', '\t', ',', '|' })
        {
            if (other != delimiter && cell.IndexOf(other) >= 0 && cell.Split(other).Any(part => UserColumns.Resolve(part.Trim()) is not null))
            {
                var shown = other == '\t' ? "\"`t\"" : "'" + other + "'";
                return $" The file seems to separate its columns with {shown}: give -Delimiter {shown}.";
            }
        }

        return string.Empty;
    }

    /// <summary>The data rows, each mapped and checked; a user named twice is a problem on its second row.</summary>
    public IEnumerable<StartersCsvRow> ReadRows()
    {
        var names = new BatchUserNames();
        var file = Path.GetFileName(_path);
        var row = 0;
        foreach (var record in CsvRecordReader.Read(_path, _delimiter))
        {
            if (record.Line <= HeaderLine || record.IsBlank)
            {
                continue;
            }

            row++;
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            int? unnamedWithValue = null;
            for (var i = 0; i < record.Fields.Count && i < _headers.Length; i++)
            {
                if (_headers[i].Length > 0)
                {
                    cells[_headers[i]] = record.Fields[i].Trim();
                }
                else if (record.Fields[i].Trim().Length > 0)
                {
                    unnamedWithValue ??= i;
                }
            }

            var problem = (FieldCountProblem(record) ?? UnnamedColumnProblem(record, unnamedWithValue))?.AtRow(row, record.Line, file);
            UserOnboardingRequest? request = null;
            IReadOnlyList<string>? ignored = null;
            if (problem is not null)
            {
                // Its cells may be shifted, but a name in the UserName column is most likely the user meant: a later row
                // naming the same user is refused too, as after any other refusal.
                names.RememberRefused(cells.FirstOrDefault(c => UserColumns.Resolve(c.Key) == UserColumns.UserName).Value, row, file);
            }
            else
            {
                var mapped = UserRowMapper.Map(cells.Select(c => new KeyValuePair<string, object?>(c.Key, c.Value)), row, record.Line);
                request = mapped.Request;
                ignored = mapped.Ignored;
                if (request is not null)
                {
                    request.SourceFile = file;
                }

                problem = mapped.Problem?.AtRow(row, record.Line, file) ?? names.Check(request!);
                if (mapped.Problem is not null)
                {
                    names.RememberRefused(mapped.UserName, row, file);
                }
            }

            yield return new StartersCsvRow(row, record.Line, cells, problem is null ? request : null, problem, problem is null ? ignored : null);
        }
    }

    private OnboardInputException? UnnamedColumnProblem(CsvRecord record, int? column) =>
        // The value is not shown: nothing says what it is, and it could be a password typed in the wrong column.
        column is not { } index ? null : new OnboardInputException("CsvColumnUnnamed", "Row", null,
            $"column {index + 1} has no name in the header (line {HeaderLine}), but this row has a value in it. Name the column, or move the value to the column it belongs in.");

    private OnboardInputException? FieldCountProblem(CsvRecord record)
    {
        if (record.Fields.Count > _headers.Length)
        {
            return new OnboardInputException("CsvStrayFields", "Row", null,
                $"{record.Fields.Count} fields, but the header has {_headers.Length} columns (a stray comma or an unquoted value?).");
        }

        // A short row is refused too rather than read with empty cells: a missing comma shifts every later value into
        // the wrong column, and a cell left out is more often a mistake than a choice (an empty cell is written ",,").
        if (record.Fields.Count < _headers.Length)
        {
            return new OnboardInputException("CsvMissingFields", "Row", null,
                $"{record.Fields.Count} {(record.Fields.Count == 1 ? "field" : "fields")}, but the header has {_headers.Length} columns (a missing comma, or cells left out at the end of the row? Write an empty cell as ,,).");
        }

        return null;
    }
}
