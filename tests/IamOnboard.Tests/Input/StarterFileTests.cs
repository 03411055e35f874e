using System;
using System.IO;
using System.Linq;
using IamOnboard.Onboarding;
using Xunit;

namespace IamOnboard.Tests.Input;

public sealed class StarterFileTests : IDisposable
{
    private const string Header = "User name,Path,Tag,ConsoleAccess,PasswordResetRequired,ProgrammaticAccess,Policy,Group";

    private readonly string _path = Path.Combine(Path.GetTempPath(), "starters-" + Guid.NewGuid().ToString("N") + ".csv");

    [Fact]
    public void A_row_with_fewer_fields_than_the_header_is_refused_with_its_row_line_and_both_counts_and_the_others_go_on()
    {
        File.WriteAllText(_path, Header + "\nana,/,,no,no,yes,,\nben,/,,no\ncarl,/,,no,no,no,,\n");

        var rows = StarterFile.Open(_path).ReadRows().ToList();

        Assert.Equal(3, rows.Count);
        Assert.Null(rows[0].Problem);
        Assert.Null(rows[2].Problem);
        var problem = Assert.IsType<OnboardInputException>(rows[1].Problem);
        Assert.Equal("CsvMissingFields", problem.ErrorId);
        Assert.StartsWith("row 2 (line 3): 4 fields, but the header has 8 columns", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_of_one_field_says_field_and_a_row_with_too_many_is_still_a_stray_field()
    {
        File.WriteAllText(_path, Header + "\nana\nben,/,,no,no,no,,,extra\n");

        var rows = StarterFile.Open(_path).ReadRows().ToList();

        Assert.Equal("CsvMissingFields", rows[0].Problem!.ErrorId);
        Assert.StartsWith("row 1 (line 2): 1 field, but the header has 8 columns", rows[0].Problem!.Message, StringComparison.Ordinal);
        Assert.Equal("CsvStrayFields", rows[1].Problem!.ErrorId);
    }

    [Fact]
    public void Blank_lines_and_rows_of_empty_cells_are_still_skipped_and_a_one_column_file_needs_no_commas()
    {
        File.WriteAllText(_path, Header + "\n\nana,/,,no,no,no,,\n\r\n,,,\n,,,,,,,\nben,/,,no,no,no,,\n\n");

        var rows = StarterFile.Open(_path).ReadRows().ToList();

        Assert.Equal(new[] { "ana", "ben" }, rows.Select(r => r.Values["UserName"]));
        Assert.All(rows, r => Assert.Null(r.Problem));
        Assert.Equal(new[] { 1, 2 }, rows.Select(r => r.Row));

        File.WriteAllText(_path, "User name\nana\nben\n");
        Assert.All(StarterFile.Open(_path).ReadRows(), r => Assert.Null(r.Problem));
    }

    public void Dispose()
    {
        if (File.Exists(_path))
        {
            File.Delete(_path);
        }
    }
}
