using System;
using System.IO;
using System.Linq;
using System.Text;
using IamOnboard.Input;
using IamOnboard.Onboarding;
using Xunit;

namespace IamOnboard.Tests.Input;

public sealed class StartersCsvReaderTests : IDisposable
{
    private const string Header = "User name,Path,Tag,ConsoleAccess,PasswordResetRequired,ProgrammaticAccess,Policy,Group";

    private readonly string _path = Path.Combine(Path.GetTempPath(), "starters-" + Guid.NewGuid().ToString("N") + ".csv");

    [Fact]
    public void A_row_with_fewer_fields_than_the_header_is_refused_with_its_row_line_and_both_counts_and_the_others_go_on()
    {
        File.WriteAllText(_path, Header + "\nana,/,,no,no,yes,,\nben,/,,no\ncarl,/,,no,no,no,,\n");

        var rows = StartersCsvReader.Open(_path).ReadRows().ToList();

        Assert.Equal(3, rows.Count);
        Assert.Null(rows[0].Problem);
        Assert.Null(rows[2].Problem);
        var problem = Assert.IsType<OnboardInputException>(rows[1].Problem);
        Assert.Equal("CsvMissingFields", problem.ErrorId);
        Assert.StartsWith("4 fields, but the header has 8 columns", problem.Message, StringComparison.Ordinal);
        Assert.Equal((2, 3), (problem.Row, problem.Line));
    }

    [Fact]
    public void A_row_of_one_field_says_field_and_a_row_with_too_many_is_still_a_stray_field()
    {
        File.WriteAllText(_path, Header + "\nana\nben,/,,no,no,no,,,extra\n");

        var rows = StartersCsvReader.Open(_path).ReadRows().ToList();

        Assert.Equal("CsvMissingFields", rows[0].Problem!.ErrorId);
        Assert.StartsWith("1 field, but the header has 8 columns", rows[0].Problem!.Message, StringComparison.Ordinal);
        Assert.Equal((1, 2), (rows[0].Problem!.Row, rows[0].Problem!.Line));
        Assert.Equal("CsvStrayFields", rows[1].Problem!.ErrorId);
    }

    [Fact]
    public void Blank_lines_and_rows_of_empty_cells_are_still_skipped_and_a_one_column_file_needs_no_commas()
    {
        File.WriteAllText(_path, Header + "\n\nana,/,,no,no,no,,\n\r\n,,,\n,,,,,,,\nben,/,,no,no,no,,\n\n");

        var rows = StartersCsvReader.Open(_path).ReadRows().ToList();

        Assert.Equal(new[] { "ana", "ben" }, rows.Select(r => r.Request!.UserName));
        Assert.All(rows, r => Assert.Null(r.Problem));
        Assert.Equal(new[] { 1, 2 }, rows.Select(r => r.Row));

        File.WriteAllText(_path, "User name\nana\nben\n");
        Assert.All(StartersCsvReader.Open(_path).ReadRows(), r => Assert.Null(r.Problem));
    }

    [Fact]
    public void A_row_becomes_a_typed_request_with_its_row_and_line_as_data()
    {
        File.WriteAllText(_path, "User name,Console access,Programmatic access,Tags,Groups\n\nana,yes,no,\"team=data;cost-center=7\",dev;ops\n");

        var row = Assert.Single(StartersCsvReader.Open(_path).ReadRows());

        var request = Assert.IsType<UserOnboardingRequest>(row.Request);
        Assert.Null(row.Problem);
        Assert.Equal(("ana", true, false), (request.UserName, request.ConsoleAccess, request.ProgrammaticAccess));
        Assert.Equal(new[] { "team=data", "cost-center=7" }, request.Tags.Select(t => t.Key + "=" + t.Value));
        Assert.Equal(new[] { "dev", "ops" }, request.Groups);
        Assert.Equal((1, 3), (request.Row, request.Line));
    }

    [Fact]
    public void A_bad_cell_is_a_problem_with_row_line_field_and_value_and_no_row_text_in_its_message()
    {
        File.WriteAllText(_path, "User name,ConsoleAccess\nana,yes\nben,maybe\nANA,no\n");

        var rows = StartersCsvReader.Open(_path).ReadRows().ToList();

        var maybe = rows[1].Problem!;
        Assert.Equal(("InvalidYesNo", "ConsoleAccess", "maybe", 2, 3), (maybe.ErrorId, maybe.Field, maybe.Value, maybe.Row, maybe.Line));
        Assert.DoesNotContain("row", maybe.Message, StringComparison.Ordinal);
        var repeated = rows[2].Problem!;
        Assert.Equal(("DuplicateUserName", 3, 4), (repeated.ErrorId, repeated.Row, repeated.Line));
        Assert.Contains("repeats row 1", repeated.Message, StringComparison.Ordinal);
        Assert.Null(rows[1].Request);
    }

    [Fact]
    public void A_user_named_again_after_a_row_refused_for_its_field_count_is_refused_too()
    {
        // A stray comma shifts the cells, but the name is still in its column: the second row names the same person.
        File.WriteAllText(_path, "User name,ConsoleAccess,Group\nana.lima,yes,Admins,Ops\nANA.LIMA,no,\n");

        var rows = StartersCsvReader.Open(_path).ReadRows().ToList();

        Assert.Equal("CsvStrayFields", rows[0].Problem!.ErrorId);
        var repeated = rows[1].Problem!;
        Assert.Equal(("DuplicateUserName", "ANA.LIMA", 2), (repeated.ErrorId, repeated.Value, repeated.Row));
        Assert.Contains("repeats row 1, which was refused for another problem", repeated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unnamed_columns_are_kept_while_empty_and_a_value_in_one_refuses_its_row_without_showing_it()
    {
        // Excel's export of a sheet with formatted empty columns at its right: ",," after the last name.
        File.WriteAllText(_path, "User name,ConsoleAccess,,\nana,yes,,\nben,no,,S3cret!pass\n");

        var rows = StartersCsvReader.Open(_path).ReadRows().ToList();

        Assert.Null(rows[0].Problem);
        Assert.Equal("ana", rows[0].Request!.UserName);
        var unnamed = rows[1].Problem!;
        Assert.Equal(("CsvColumnUnnamed", 2, 3), (unnamed.ErrorId, unnamed.Row, unnamed.Line));
        Assert.Contains("column 4 has no name", unnamed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret", unnamed.Message, StringComparison.Ordinal);
        Assert.Null(unnamed.Value);
    }

    [Fact]
    public void Rows_and_their_problems_carry_the_file_name()
    {
        File.WriteAllText(_path, "User name,ConsoleAccess\nana,yes\nben,maybe\n");

        var rows = StartersCsvReader.Open(_path).ReadRows().ToList();

        Assert.Equal(Path.GetFileName(_path), rows[0].Request!.SourceFile);
        Assert.Equal(Path.GetFileName(_path), rows[1].Problem!.File);
        Assert.Equal($"row 2 (line 3 of {Path.GetFileName(_path)})", BatchPosition.Describe(2, 3, rows[1].Problem!.File));
    }

    [Fact]
    public void A_user_named_again_after_a_row_refused_for_another_problem_is_refused_too()
    {
        // Fixed and run again, the first row would otherwise "complete" the second row's user: two people, one account.
        File.WriteAllText(_path, "User name,Path,Tag\nsam.lee,/engineering/,\"team=data,eng\"\nSam.Lee,/finance/,team=finance\nkim,/,\n");

        var rows = StartersCsvReader.Open(_path).ReadRows().ToList();

        Assert.Equal("InvalidTag", rows[0].Problem!.ErrorId);
        var repeated = rows[1].Problem!;
        Assert.Equal(("DuplicateUserName", "Sam.Lee", 2, 3), (repeated.ErrorId, repeated.Value, repeated.Row, repeated.Line));
        Assert.Contains("repeats row 1, which was refused for another problem", repeated.Message, StringComparison.Ordinal);
        Assert.Null(rows[2].Problem);
    }

    [Theory]
    [InlineData("User name,Password,Access key ID,Secret access key,Console sign-in URL", "'Password', 'Secret access key' hold secrets")]
    [InlineData("Access key ID,Secret access key", "'Secret access key' holds secrets")]
    [InlineData("User name,Password,Access key ID,Secret access key,Console login link,MFA device,MFA seed", "'Password', 'Secret access key', 'MFA seed' hold secrets")]
    [InlineData("User name,Password,Console sign-in URL", "'Password' holds secrets")]
    public void A_credentials_file_is_refused_as_a_whole_naming_its_secret_columns_and_not_a_value(string header, string named)
    {
        var secret = Guid.NewGuid().ToString("N");
        File.WriteAllText(_path, header + "\n" + string.Join(",", header.Split(',').Select(_ => secret)) + "\n");

        var refused = Assert.Throws<OnboardInputException>(() => StartersCsvReader.Open(_path));

        Assert.Equal(("CsvSecretColumn", header.Contains("Secret", StringComparison.Ordinal) ? "Secret access key" : "Password"), (refused.ErrorId, refused.Value));
        Assert.StartsWith("line 1: " + named + ": this is a credentials file", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    [InlineData("utf-32")]
    [InlineData("utf-32BE")]
    public void A_file_with_the_byte_order_mark_of_utf16_or_utf32_is_read_as_import_csv_reads_it(string encodingName)
    {
        // What Export-Csv -Encoding unicode / bigendianunicode / utf32 writes, and Windows PowerShell's Out-File by default.
        var encoding = encodingName switch
        {
            "utf-32BE" => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
            _ => Encoding.GetEncoding(encodingName),
        };
        File.WriteAllBytes(_path, encoding.GetPreamble().Concat(encoding.GetBytes("\"User name\",\"Tag\"\r\n\"ana\",\"team=data\"\r\nben,\r\n")).ToArray());

        var rows = StartersCsvReader.Open(_path).ReadRows().ToList();

        Assert.All(rows, r => Assert.Null(r.Problem));
        Assert.Equal(new[] { "ana", "ben" }, rows.Select(r => r.Request!.UserName));
        Assert.Equal("team=data", string.Join(";", rows[0].Request!.Tags.Select(t => t.Key + "=" + t.Value)));
    }

    [Theory]
    [InlineData("sep=;\r\nUser name;Tag\r\nana;team=a\r\n", "team=a")]
    [InlineData("\uFEFFsep=,\r\n\r\nUser name,Tag\r\nana,\"team=a;b=c\"\r\n", "team=a;b=c")]
    public void Excels_separator_line_names_the_separator_and_the_header_is_the_line_after_it(string text, string tags)
    {
        File.WriteAllText(_path, text);

        var rows = StartersCsvReader.Open(_path).ReadRows().ToList();

        var row = Assert.Single(rows);
        Assert.Null(row.Problem);
        Assert.Equal(("ana", 1), (row.Request!.UserName, row.Row));
        Assert.Equal(text.Contains("\r\n\r\n", StringComparison.Ordinal) ? 4 : 3, row.Line);
        Assert.Equal(tags, string.Join(";", row.Request.Tags.Select(t => t.Key + "=" + t.Value)));
    }

    [Fact]
    public void A_utf16_file_without_a_byte_order_mark_is_refused_naming_the_nul_it_holds()
    {
        // Read as UTF-8 its header is "U\0s\0e\0r..."; on screen the NULs do not show, so the bare message named
        // 'User name' as an unknown column.
        File.WriteAllBytes(_path, Encoding.Unicode.GetBytes("User name,Path\r\nana,/\r\n"));

        var refused = Assert.Throws<OnboardInputException>(() => StartersCsvReader.Open(_path));

        Assert.Equal("CsvColumnUnknown", refused.ErrorId);
        Assert.Contains("(its character 2 is U+0000 (NUL: a UTF-16 file without a byte order mark? Save it as UTF-8", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_with_a_utf16_byte_order_mark_and_broken_bytes_after_it_is_refused_saying_so()
    {
        // A lone high surrogate (D800) then "a": not UTF-16.
        File.WriteAllBytes(_path, new byte[] { 0xFF, 0xFE, (byte)'U', 0, (byte)'\n', 0, 0x00, 0xD8, (byte)'a', 0 });

        var refused = Assert.Throws<CsvFormatException>(() => StartersCsvReader.Open(_path).ReadRows().ToList());

        Assert.StartsWith("the file starts with the byte order mark of UTF-16 but is not valid UTF-16.", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (File.Exists(_path))
        {
            File.Delete(_path);
        }
    }
}
