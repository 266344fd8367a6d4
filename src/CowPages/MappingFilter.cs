using System;
using System.Linq;
using System.Management.Automation;
using System.Text;

namespace CowPages;

/// <summary>
/// Builds the core's mapping filter from <c>-Mapping</c> wildcards, matched case-insensitively against the mapping's
/// name. Square brackets are taken literally, not as a character class, so that <c>[heap]</c>, <c>[anon]</c> and
/// <c>[v*]</c> mean what they look like; <c>*</c> and <c>?</c> stay wildcards.
/// </summary>
internal static class MappingFilter
{
    internal static Func<MemoryMapping, bool>? From(string[]? patterns)
    {
        if (patterns is null || patterns.Length == 0)
        {
            return null;
        }
        WildcardPattern[] compiled = patterns
            .Select(p => WildcardPattern.Get(EscapeBrackets(p), WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant))
            .ToArray();
        return mapping => compiled.Any(p => p.IsMatch(mapping.Name));
    }

    internal static string EscapeBrackets(string pattern)
    {
        var escaped = new StringBuilder(pattern.Length + 4);
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '`' && i + 1 < pattern.Length)
            {
                escaped.Append(c).Append(pattern[++i]);
                continue;
            }
            if (c is '[' or ']')
            {
                escaped.Append('`');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}
