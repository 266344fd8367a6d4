using System;

namespace CowPages.Snapshots;

/// <summary>What a reader found wrong with a snapshot; turned into a <see cref="ProcfsException"/> naming the file.</summary>
internal sealed class SnapshotFormatException : Exception
{
    public SnapshotFormatException(string message) : base(message)
    {
    }
}
