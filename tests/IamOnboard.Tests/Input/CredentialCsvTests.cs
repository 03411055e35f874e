using System.Collections.Generic;
using System.IO;
using System.Linq;
using IamOnboard.Input;
using Microsoft.VisualBasic.FileIO;
using Xunit;

namespace IamOnboard.Tests.Input;

public class CredentialCsvTests
{
    private const string Link = "https://123456789012.signin.aws.amazon.com/console";

    private static string WriteToString(params CredentialCsvRow[] rows)
    {
        using var writer = new StringWriter();
        CredentialCsv.Write(writer, rows);
        return writer.ToString();
    }

    // Reads back with the framework's own RFC 4180 parser, independent of the writer.
    private static List<string[]> ReadBack(string csv)
    {
        using var parser = new TextFieldParser(new StringReader(csv)) { HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        var records = new List<string[]>();
        while (!parser.EndOfData)
        {
            records.Add(parser.ReadFields()!);
        }

        return records;
    }

    [Fact]
    public void Writes_the_console_wizard_header_and_plain_rows()
    {
        string csv = WriteToString(
            new CredentialCsvRow("alice", Link) { Password = "Pa55word!x", AccessKeyId = "AKIAEXAMPLE1", SecretAccessKey = "s3cr3t/Key+abc" },
            new CredentialCsvRow("bob", Link) { Password = "Other#pass1" });

        Assert.Equal(
            "User name,Password,Access key ID,Secret access key,Console login link\r\n" +
            "alice,Pa55word!x,AKIAEXAMPLE1,s3cr3t/Key+abc," + Link + "\r\n" +
            "bob,Other#pass1,,," + Link + "\r\n",
            csv);
    }

    [Fact]
    public void Commas_quotes_and_line_breaks_are_quoted_per_RFC_4180()
    {
        var row = new CredentialCsvRow("carol,ops", Link) { Password = "a\"b,c\r\nd" };

        var records = ReadBack(WriteToString(row));

        Assert.Equal(2, records.Count);
        Assert.Equal(CredentialCsv.Header.Split(','), records[0]);
        Assert.Equal(new[] { "carol,ops", "a\"b,c\r\nd", "", "", Link }, records[1]);
    }

    [Theory]
    [InlineData("=cmd")]
    [InlineData("+alice")]
    [InlineData("-bob")]
    [InlineData("@carol")]
    public void Values_that_look_like_formulas_are_written_unchanged(string userName)
    {
        var records = ReadBack(WriteToString(new CredentialCsvRow(userName, Link) { Password = "-Pw1!" }));
        Assert.Equal(userName, records[1][0]);
        Assert.Equal("-Pw1!", records[1][1]);
    }

    [Fact]
    public void A_row_never_shows_its_secrets_as_text()
    {
        var row = new CredentialCsvRow("dave", Link) { Password = "TopSecretPw1!", AccessKeyId = "AKIAEXAMPLE2", SecretAccessKey = "wJalrXUtnFEMIsecret" };
        string text = row.ToString();
        Assert.DoesNotContain("TopSecretPw1!", text);
        Assert.DoesNotContain("wJalrXUtnFEMIsecret", text);
        Assert.Contains("dave", text);
    }

    [Fact]
    public void An_empty_batch_is_just_the_header() =>
        Assert.Equal(new[] { CredentialCsv.Header }, WriteToString().Split("\r\n").Where(l => l.Length > 0));

    [Fact]
    public void The_aws_cli_layout_holds_key_holders_only_with_the_key_columns_before_any_that_may_hold_a_comma()
    {
        var keyHolder = new CredentialCsvRow("alice", Link) { Password = "a,b\"c", AccessKeyId = "AKIAEXAMPLE1", SecretAccessKey = "s3cr3t/Key+abc" };
        var nothing = new CredentialCsvRow("carl", Link);
        var passwordOnly = new CredentialCsvRow("bob", Link) { Password = "Other#pass1" };
        using var writer = new StringWriter();

        CredentialCsv.WriteHeader(writer, CredentialCsvFormat.AwsCliImport);
        CredentialCsv.WriteRow(writer, keyHolder, CredentialCsvFormat.AwsCliImport);

        var lines = writer.ToString().Split("\r\n");
        Assert.Equal("User name,Access key ID,Secret access key,Password,Console login link", lines[0]);
        Assert.Equal(new[] { "alice", "AKIAEXAMPLE1", "s3cr3t/Key+abc" }, lines[1].Split(',').Take(3));
        Assert.Equal("a,b\"c", ReadBack(writer.ToString())[1][3]);
        Assert.False(CredentialCsv.Holds(nothing, CredentialCsvFormat.AwsCliImport));
        Assert.True(CredentialCsv.Holds(nothing, CredentialCsvFormat.Console));
        Assert.Null(CredentialCsv.CannotHold(nothing, CredentialCsvFormat.AwsCliImport));
        Assert.Contains("password would be lost", CredentialCsv.CannotHold(passwordOnly, CredentialCsvFormat.AwsCliImport), System.StringComparison.Ordinal);
        Assert.Contains("comma", CredentialCsv.CannotHold(new CredentialCsvRow("a,b", Link) { AccessKeyId = "AKIA1", SecretAccessKey = "s" }, CredentialCsvFormat.AwsCliImport), System.StringComparison.Ordinal);
    }
}
