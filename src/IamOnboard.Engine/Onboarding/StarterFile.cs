using System;
using System.Collections.Generic;
using System.Linq;
using IamOnboard.Input;

namespace IamOnboard.Onboarding;

/// <summary>One data row of a starters file, with its values by column and the problem that makes it invalid, if any.</summary>
public sealed class StarterRow
{
    internal StarterRow(int row, int line, IReadOnlyDictionary<string, string> values, OnboardInputException? problem)
    {
        Row = row;
        Line = line;
        Values = values;
        Problem = problem;
    }

    /// <summary>1-based data row (the header is not a row).</summary>
    public int Row { get; }

    /// <summary>The file line the row starts on.</summary>
    public int Line { get; }

    /// <summary>Cell text by canonical column name (<see cref="StarterFile.Columns"/>).</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    public OnboardInputException? Problem { get; }
}

/// <summary>
/// A CSV of new starters, the columns New-OnboardUser binds. Every check that needs no call to IAM is made here
/// for the whole file (names, paths, tags, yes/no cells, lists, duplicate users, unknown columns, encoding), so a
/// batch can refuse bad rows before the first change is made.
/// </summary>
public sealed class StarterFile
{
    /// <summary>The canonical columns and the headers accepted for each (case and spaces ignored).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Columns = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["UserName"] = new[] { "User name", "UserName", "Name" },
        ["Path"] = new[] { "Path" },
        ["Tag"] = new[] { "Tag", "Tags" },
        ["PermissionsBoundary"] = new[] { "PermissionsBoundary", "Permissions boundary" },
        ["ConsoleAccess"] = new[] { "ConsoleAccess", "Console access" },
        ["PasswordResetRequired"] = new[] { "PasswordResetRequired", "Password reset required" },
        ["ProgrammaticAccess"] = new[] { "ProgrammaticAccess", "Programmatic access" },
        ["AdditionalAccessKey"] = new[] { "AdditionalAccessKey" },
        ["Policy"] = new[] { "Policy", "Policies", "PolicyArn" },
        ["Group"] = new[] { "Group", "Groups", "GroupName" },
    };

    private static readonly string[] YesNoColumns = { "ConsoleAccess", "PasswordResetRequired", "ProgrammaticAccess", "AdditionalAccessKey" };

    private readonly string _path;
    private readonly char _delimiter;
    private readonly string?[] _columnOfField;

    private StarterFile(string path, char delimiter, string?[] columnOfField, int headerLine)
    {
        _path = path;
        _delimiter = delimiter;
        _columnOfField = columnOfField;
        HeaderLine = headerLine;
    }

    public int HeaderLine { get; }

    /// <summary>Reads and checks the header. Unknown columns are refused: a misspelt header would silently drop data.</summary>
    public static StarterFile Open(string path, char delimiter = ',')
    {
        var header = CsvRecordReader.Read(path, delimiter).FirstOrDefault(r => !r.IsBlank)
            ?? throw new OnboardInputException("CsvEmpty", "Path", path, $"'{path}' has no header row.");
        var columnOfField = new string?[header.Fields.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var text = header.Fields[i].Trim();
            if (text.Length == 0)
            {
                throw new OnboardInputException("CsvColumnUnnamed", "Header", null, $"line {header.Line}: column {i + 1} has no name.");
            }

            if (Normalize(text) == "password")
            {
                throw new OnboardInputException("CsvPasswordColumn", "Header", text,
                    $"line {header.Line}: a 'Password' column puts passwords in a file; leave it out and New-OnboardUser generates each password to the account's policy.");
            }

            var column = Columns.FirstOrDefault(c => c.Value.Any(alias => Normalize(alias) == Normalize(text))).Key
                ?? throw new OnboardInputException("CsvColumnUnknown", "Header", text,
                    $"line {header.Line}: column '{text}' is not one New-OnboardUser takes. Known columns: {string.Join(", ", Columns.Keys)}.");
            if (!seen.Add(column))
            {
                throw new OnboardInputException("CsvColumnRepeated", "Header", text, $"line {header.Line}: column '{text}' repeats {column}.");
            }

            columnOfField[i] = column;
        }

        if (!seen.Contains("UserName"))
        {
            throw new OnboardInputException("CsvUserNameMissing", "Header", null, $"line {header.Line}: no 'User name' column.");
        }

        return new StarterFile(path, delimiter, columnOfField, header.Line);
    }

    /// <summary>The data rows, each checked; a user named twice is a problem on its second row.</summary>
    public IEnumerable<StarterRow> ReadRows()
    {
        var firstRowOfUser = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var row = 0;
        foreach (var record in CsvRecordReader.Read(_path, _delimiter))
        {
            if (record.Line <= HeaderLine || record.IsBlank)
            {
                continue;
            }

            row++;
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < record.Fields.Count && i < _columnOfField.Length; i++)
            {
                values[_columnOfField[i]!] = record.Fields[i].Trim();
            }

            var problem = Check(row, record, values);
            if (problem is null && values.TryGetValue("UserName", out var name))
            {
                if (firstRowOfUser.TryGetValue(name, out var first))
                {
                    problem = new OnboardInputException("DuplicateUserName", "User name", name,
                        $"row {row} (line {record.Line}): User name: '{name}' repeats row {first} (IAM user names are not case-sensitive).");
                }
                else
                {
                    firstRowOfUser[name] = row;
                }
            }

            yield return new StarterRow(row, record.Line, values, problem);
        }
    }

    private OnboardInputException? Check(int row, CsvRecord record, Dictionary<string, string> values)
    {
        var where = $"row {row} (line {record.Line}): ";
        if (record.Fields.Count > _columnOfField.Length)
        {
            return new OnboardInputException("CsvStrayFields", "Row", null,
                $"{where}{record.Fields.Count} fields, but the header has {_columnOfField.Length} columns (a stray comma or an unquoted value?).");
        }

        // A short row is refused too rather than read with empty cells: a missing comma shifts every later value into
        // the wrong column, and a cell left out is more often a mistake than a choice (an empty cell is written ",,").
        if (record.Fields.Count < _columnOfField.Length)
        {
            return new OnboardInputException("CsvMissingFields", "Row", null,
                $"{where}{record.Fields.Count} {(record.Fields.Count == 1 ? "field" : "fields")}, but the header has {_columnOfField.Length} columns (a missing comma, or cells left out at the end of the row? Write an empty cell as ,,).");
        }

        foreach (var column in YesNoColumns)
        {
            if (values.TryGetValue(column, out var text) && !FlexibleBoolean.TryParse(text, out _))
            {
                return new OnboardInputException("InvalidYesNo", column, text, $"{where}{column}: '{text}' is not yes or no (use yes/no, true/false, 1/0, or leave it empty).");
            }
        }

        IReadOnlyList<KeyValuePair<string, string>> tags = Array.Empty<KeyValuePair<string, string>>();
        if (values.TryGetValue("Tag", out var tagText) && tagText.Length > 0 && !TagText.TryParse(tagText, out tags, out var tagError))
        {
            return new OnboardInputException("InvalidTag", "Tag", tagText, $"{where}Tag: '{tagText}' is not key=value;key2=value2 ({tagError}).");
        }

        var request = new UserOnboardingRequest
        {
            UserName = values.TryGetValue("UserName", out var userName) ? userName : string.Empty,
            Path = values.TryGetValue("Path", out var path) && path.Length > 0 ? path : null,
            Tags = tags,
            PermissionsBoundary = values.TryGetValue("PermissionsBoundary", out var boundary) && boundary.Length > 0 ? boundary : null,
            Policies = values.TryGetValue("Policy", out var policies) ? ListText.Split(policies) : Array.Empty<string>(),
            Groups = values.TryGetValue("Group", out var groups) ? ListText.Split(groups) : Array.Empty<string>(),
            Row = row,
        };
        try
        {
            UserOnboarder.ValidateOffline(request);
            return null;
        }
        catch (OnboardInputException invalid)
        {
            return new OnboardInputException(invalid.ErrorId, invalid.Field, invalid.Value, $"{where}{invalid.Message.Substring(request.Where.Length)}");
        }
    }

    private static string Normalize(string header) => new string(header.Where(c => !char.IsWhiteSpace(c) && c != '_' && c != '-').ToArray()).ToLowerInvariant();
}
