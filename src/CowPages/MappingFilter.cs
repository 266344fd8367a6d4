using System;
using System.Linq;
using System.Management.Automation;

namespace CowPages;

/// <summary>Builds the core's mapping filter from <c>-Mapping</c> wildcards, matched case-insensitively against the mapping's name.</summary>
internal static class MappingFilter
{
    internal static Func<MemoryMapping, bool>? From(string[]? patterns)
    {
        if (patterns is null || patterns.Length == 0)
        {
            return null;
        }
        WildcardPattern[] compiled = patterns
            .Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant))
            .ToArray();
        return mapping => compiled.Any(p => p.IsMatch(mapping.Name));
    }
}
