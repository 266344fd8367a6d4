# Samples shaped like Watch-ForkPages' CowPages.ForkSample, with a known curve that a short watch of an idle fixture
# cannot give, for the report's time chart: Export-CowReport reads samples by their property names, as it reads them
# back from Export-Clixml. Its test of real Watch-ForkPages output is in Export-CowReport.Tests.ps1. Dot-sourced.

function New-ForkSample {
    <#
    -Count samples of one child, one a second from -Start: copied bytes grow from 0 towards -CopiedPages pages, the
    shared ones shrink by as much, and the rate is the growth per second.
    #>
    param([int]$ReferenceId, [int]$DifferenceId, [DateTimeOffset]$Start, [int]$Count = 30, [uint64]$CopiedPages = 200,
        [uint64]$SharedPages = 1000, [string]$Mapping)
    $previous = 0
    for ($i = 0; $i -lt $Count; $i++) {
        $copied = [uint64][Math]::Round($CopiedPages * (1 - [Math]::Exp(-$i / 8)))
        [pscustomobject]@{
            PSTypeName           = 'CowPages.ForkSample'
            Timestamp            = $Start.AddSeconds($i)
            Elapsed              = [TimeSpan]::FromSeconds($i)
            ReferenceId          = $ReferenceId
            DifferenceId         = $DifferenceId
            ChildAge             = [TimeSpan]::FromSeconds($i + 1)
            Shared               = $SharedPages - $copied
            Copied               = $copied
            ReferenceOnly        = [uint64]0
            DifferenceOnly       = [uint64]0
            SharedBytes          = ($SharedPages - $copied) * 4096
            CopiedBytes          = $copied * 4096
            CopiedBytesPerSecond = [double](($copied - $previous) * 4096)
            Method               = 'Pfn'
            Mapping              = $Mapping
        }
        $previous = $copied
    }
}
