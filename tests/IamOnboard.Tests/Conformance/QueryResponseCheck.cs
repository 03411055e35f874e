using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace IamOnboard.Tests.Conformance;

/// <summary>
/// Checks an awsQuery answer against the model the way the AWS CLI's query parser reads it: a success carries the
/// operation's result wrapper with every required member, each member of its declared type (integers, booleans,
/// ISO 8601 timestamps, base64 blobs, lists of <c>member</c>, maps of <c>entry</c>), and nothing the shape does not
/// have; an error is <c>&lt;ErrorResponse&gt;&lt;Error&gt;</c> with Type, Code and Message, and a RequestId.
/// </summary>
public static class QueryResponseCheck
{
    public static IReadOnlyList<string> Problems(ServiceModel model, string action, int status, string body)
    {
        XElement root;
        try
        {
            root = XDocument.Parse(body).Root!;
        }
        catch (XmlException error)
        {
            return new[] { action + ": answer is not XML: " + error.Message };
        }

        var problems = new List<string>();
        if (status >= 300)
        {
            CheckError(root, problems);
        }
        else
        {
            CheckSuccess(model, action, root, problems);
        }

        return problems.Select(p => action + " (HTTP " + status.ToString(CultureInfo.InvariantCulture) + "): " + p).ToList();
    }

    private static void CheckError(XElement root, List<string> problems)
    {
        if (root.Name.LocalName != "ErrorResponse")
        {
            problems.Add("error root is <" + root.Name.LocalName + ">, not <ErrorResponse>");
        }

        var error = Child(root, "Error");
        if (error is null)
        {
            problems.Add("no <Error> element");
            return;
        }

        if (Child(error, "Type")?.Value is not ("Sender" or "Receiver"))
        {
            problems.Add("<Error><Type> is not Sender or Receiver");
        }

        if (string.IsNullOrEmpty(Child(error, "Code")?.Value))
        {
            problems.Add("<Error> has no <Code>");
        }

        if (Child(error, "Message") is null)
        {
            problems.Add("<Error> has no <Message>");
        }

        if (string.IsNullOrEmpty(Child(root, "RequestId")?.Value))
        {
            problems.Add("no <RequestId>");
        }
    }

    private static void CheckSuccess(ServiceModel model, string action, XElement root, List<string> problems)
    {
        if (root.Name.LocalName != action + "Response")
        {
            problems.Add("root is <" + root.Name.LocalName + ">, not <" + action + "Response>");
        }

        if (string.IsNullOrEmpty(Child(Child(root, "ResponseMetadata"), "RequestId")?.Value))
        {
            problems.Add("no <ResponseMetadata><RequestId>");
        }

        var output = model.OutputShape(action);
        var wrapper = model.ResultWrapper(action);
        var result = wrapper is null ? null : Child(root, wrapper);
        if (output is null)
        {
            problems.AddRange(root.Elements().Where(e => e.Name.LocalName != "ResponseMetadata").Select(e => "operation has no output, yet the answer has <" + e.Name.LocalName + ">"));
            return;
        }

        if (result is null)
        {
            problems.Add("no <" + wrapper + "> element");
            return;
        }

        CheckStructure(model, model.Shape(output), result, wrapper!, problems);
    }

    private static void CheckStructure(ServiceModel model, JsonElement structure, XElement element, string path, List<string> problems)
    {
        var required = ServiceModel.Required(structure);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, member) in ServiceModel.Members(structure))
        {
            var elementName = ServiceModel.Text(member, "locationName") ?? name;
            known.Add(elementName);
            var children = element.Elements().Where(e => e.Name.LocalName == elementName).ToList();
            if (children.Count == 0)
            {
                if (required.Contains(name))
                {
                    problems.Add(path + ": required member <" + elementName + "> is missing");
                }

                continue;
            }

            if (children.Count > 1)
            {
                problems.Add(path + ": <" + elementName + "> appears " + children.Count + " times");
            }

            CheckValue(model, model.Shape(member.GetProperty("shape").GetString()!), children[0], path + "/" + elementName, problems);
        }

        problems.AddRange(element.Elements().Where(e => !known.Contains(e.Name.LocalName)).Select(e => path + ": <" + e.Name.LocalName + "> is not a member of the shape"));
    }

    private static void CheckValue(ServiceModel model, JsonElement shape, XElement element, string path, List<string> problems)
    {
        switch (ServiceModel.Type(shape))
        {
            case "structure":
                CheckStructure(model, shape, element, path, problems);
                return;
            case "list":
                var member = shape.GetProperty("member");
                var memberName = ServiceModel.Text(member, "locationName") ?? "member";
                var memberShape = model.Shape(member.GetProperty("shape").GetString()!);
                var index = 0;
                foreach (var child in element.Elements())
                {
                    index++;
                    if (child.Name.LocalName != memberName)
                    {
                        problems.Add(path + ": list entry <" + child.Name.LocalName + "> is not <" + memberName + ">");
                        continue;
                    }

                    CheckValue(model, memberShape, child, path + "[" + index + "]", problems);
                }

                return;
            case "map":
                foreach (var entry in element.Elements())
                {
                    if (entry.Name.LocalName != "entry")
                    {
                        problems.Add(path + ": map entry <" + entry.Name.LocalName + "> is not <entry>");
                        continue;
                    }

                    foreach (var part in new[] { "key", "value" })
                    {
                        var partElement = Child(entry, part);
                        if (partElement is null)
                        {
                            problems.Add(path + ": <entry> lacks <" + part + ">");
                            continue;
                        }

                        CheckValue(model, model.Shape(shape.GetProperty(part).GetProperty("shape").GetString()!), partElement, path + "/" + part, problems);
                    }
                }

                return;
        }

        if (element.HasElements)
        {
            problems.Add(path + ": a scalar with child elements");
            return;
        }

        problems.AddRange(QueryRequestCheck.ScalarProblems(model, shape, element.Value, inAnswer: true).Select(p => path + " " + p));
    }

    /// <summary>The timestamp forms IAM writes: <c>2026-01-02T03:04:05Z</c>, optionally with fractional seconds.</summary>
    public static bool IsIso8601(string text)
        => DateTime.TryParseExact(text, new[] { "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" },
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _);

    private static XElement? Child(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);
}
