using System.Collections.Generic;

namespace CowPages;

/// <summary>
/// One VMA's fields of <c>/proc/PID/smaps</c> in bytes (or the whole process's, from <c>smaps_rollup</c>, with
/// Start 0), keyed by field name such as <c>Pss</c>. A field the kernel did not print reads as 0.
/// </summary>
public sealed record SmapsEntry(ulong Start, IReadOnlyDictionary<string, ulong> Bytes)
{
    public ulong this[string field] => Bytes.TryGetValue(field, out ulong value) ? value : 0;
}
