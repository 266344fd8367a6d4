using System;
using System.Collections.Generic;
using System.Globalization;

namespace CowPages.Decoding;

/// <summary>
/// Parses the kernel's own accounting in <c>/proc/PID/smaps</c> and <c>smaps_rollup</c>: a header line per VMA (the
/// maps format) followed by <c>Field:   N kB</c> lines (<c>show_smap()</c> in <c>fs/proc/task_mmu.c</c>).
/// </summary>
public static class SmapsParser
{
    /// <summary>Parses the whole text: one entry per header line. The path and PID only label errors.</summary>
    /// <exception cref="ProcfsException">A header or a size does not parse.</exception>
    public static List<SmapsEntry> Parse(string text, string path, int? processId)
    {
        var entries = new List<SmapsEntry>();
        Dictionary<string, ulong>? fields = null;
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            int dash = line.IndexOf('-');
            bool header = dash > 0 && (colon < 0 || dash < colon) && line.IndexOf(' ') > dash;
            if (header)
            {
                if (!ulong.TryParse(line.AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong start))
                {
                    throw ProcfsException.Malformed(path, processId, $"'{line}' is not a mapping header");
                }
                fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
                entries.Add(new SmapsEntry(start, fields));
                continue;
            }
            if (colon <= 0 || fields is null || !line.EndsWith(" kB", StringComparison.Ordinal))
            {
                continue;
            }
            string number = line[(colon + 1)..^3].Trim();
            if (!ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out ulong kilobytes))
            {
                throw ProcfsException.Malformed(path, processId, $"'{line}' has no size in kB");
            }
            fields[line[..colon]] = kilobytes * 1024;
        }
        return entries;
    }

    /// <summary>The single entry of a <c>smaps_rollup</c> text; an empty one for a process without memory.</summary>
    public static SmapsEntry ParseRollup(string text, string path, int? processId)
    {
        List<SmapsEntry> entries = Parse(text, path, processId);
        return entries.Count > 0 ? entries[0] : new SmapsEntry(0, new Dictionary<string, ulong>());
    }
}
