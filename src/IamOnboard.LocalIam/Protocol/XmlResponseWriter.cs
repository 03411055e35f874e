using System;
using System.Globalization;
using System.Text;

namespace IamOnboard.LocalIam.Protocol;

/// <summary>Builds awsQuery XML with a StringBuilder: cheaper than XmlWriter on the hot path, and the shapes are flat.</summary>
internal sealed class XmlResponseWriter
{
    private readonly StringBuilder _text = new(512);

    public XmlResponseWriter Open(string name)
    {
        _text.Append('<').Append(name).Append('>');
        return this;
    }

    public XmlResponseWriter Close(string name)
    {
        _text.Append("</").Append(name).Append('>');
        return this;
    }

    public XmlResponseWriter Element(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        _text.Append('<').Append(name).Append('>');
        AppendEscaped(value);
        _text.Append("</").Append(name).Append('>');
        return this;
    }

    public XmlResponseWriter Element(string name, bool value) => Element(name, value ? "true" : "false");

    public XmlResponseWriter Element(string name, long value) => Element(name, value.ToString(CultureInfo.InvariantCulture));

    public XmlResponseWriter Element(string name, DateTime value) => Element(name, FormatDate(value));

    public XmlResponseWriter Raw(string xml)
    {
        _text.Append(xml);
        return this;
    }

    public override string ToString() => _text.ToString();

    public static string FormatDate(DateTime value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Escape(string value)
    {
        var writer = new XmlResponseWriter();
        writer.AppendEscaped(value);
        return writer.ToString();
    }

    private void AppendEscaped(string value)
    {
        foreach (char c in value)
        {
            switch (c)
            {
                case '<': _text.Append("&lt;"); break;
                case '>': _text.Append("&gt;"); break;
                case '&': _text.Append("&amp;"); break;
                case '"': _text.Append("&quot;"); break;
                case '\r': _text.Append("&#xD;"); break;
                default:
                    // Characters XML 1.0 cannot carry (echoed user input in messages) become U+FFFD.
                    bool allowed = c == '\t' || c == '\n' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || char.IsSurrogate(c);
                    _text.Append(allowed ? c : '\uFFFD');
                    break;
            }
        }
    }
}
