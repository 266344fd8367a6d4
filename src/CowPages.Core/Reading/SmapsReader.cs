using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using CowPages.Native;

namespace CowPages.Reading;

/// <summary>
/// Reads the kernel's own accounting from <c>/proc/PID/smaps</c> and <c>smaps_rollup</c>: a header line per VMA
/// (the maps format) followed by <c>Field:   N kB</c> lines. Used where pagemap alone cannot answer (Pss without root).
/// </summary>
public static class SmapsReader
{
    /// <summary>One VMA's fields in bytes (or the rollup's, with Start 0), keyed by field name such as <c>Pss</c>.</summary>
    public sealed record Entry(ulong Start, IReadOnlyDictionary<string, ulong> Bytes)
    {
        public ulong this[string field] => Bytes.TryGetValue(field, out ulong value) ? value : 0;
    }

    /// <summary>Reads <c>/proc/PID/smaps_rollup</c>: the whole process in one entry.</summary>
    public static Entry ReadRollup(int processId)
    {
        List<Entry> entries = Read($"/proc/{processId}/smaps_rollup", processId);
        return entries.Count > 0 ? entries[0] : new Entry(0, new Dictionary<string, ulong>());
    }

    /// <summary>Reads <c>/proc/PID/smaps</c>: one entry per VMA.</summary>
    public static List<Entry> ReadPerMapping(int processId) => Read($"/proc/{processId}/smaps", processId);

    private static List<Entry> Read(string path, int processId)
    {
        byte[] bytes;
        using (ProcfsFile file = ProcfsFile.Open(path, processId))
        {
            bytes = file.ReadToEnd();
        }
        return Parse(Encoding.UTF8.GetString(bytes), path, processId);
    }

    public static List<Entry> Parse(string text, string path, int? processId)
    {
        var entries = new List<Entry>();
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
                entries.Add(new Entry(start, fields));
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
}
