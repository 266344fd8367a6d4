using System;
using System.Globalization;
using System.Text;

namespace CowPages.Report;

/// <summary>
/// Escaping for the report, which is written as well-formed XML (polyglot HTML), so that any XML parser can check it.
/// </summary>
internal static class Html
{
    /// <summary>Text or an attribute value: markup characters escaped, and characters XML cannot hold replaced.</summary>
    internal static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var escaped = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&#39;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        escaped.Append(c).Append(text[++i]);
                    }
                    else if ((c < 0x20 && c is not ('\t' or '\n' or '\r')) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
                    {
                        // A file name may hold bytes no XML document can: show that something was there.
                        escaped.Append('\uFFFD');
                    }
                    else
                    {
                        escaped.Append(c);
                    }
                    break;
            }
        }
        return escaped.ToString();
    }

    internal static string Number(ulong value) => value.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Number(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    internal static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>A coordinate for SVG: at most two decimals, invariant.</summary>
    internal static string Coordinate(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
