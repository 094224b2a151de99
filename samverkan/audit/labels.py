"""The audit log's actions and record types in Swedish, for the log page. A code not listed (a
newer one) is shown as it is stored rather than hidden."""

ACTIONS = {
    "create": "Skapade", "update": "Ändrade", "delete": "Tog bort", "remove": "Tog bort", "upload": "Laddade upp",
    "approve": "Justerade", "close": "Markerade som klar", "comment": "Kommenterade", "lock": "Låste", "propose": "Föreslog ändring i",
    "reopen": "Öppnade igen", "submit": "Skickade för justering", "revoke": "Återkallade", "deactivate": "Inaktiverade",
    "waive": "Eftergav", "acknowledge": "Bekräftade mottagandet av", "answer": "Besvarade", "send": "Skickade",
    "accept": "Godtog", "reject": "Avvisade", "cancel": "Ställde in", "hold": "Höll",
}

ENTITIES = {
    "matter": "Ärende", "matter_event": "Händelse i ärende", "meeting": "Möte", "agenda_item": "Dagordningspunkt",
    "participant": "Deltagare", "protocol": "Protokoll", "standard_agenda": "Standarddagordning", "deadline": "Frist",
    "rule_set": "Regeluppsättning", "word_template": "Word-mall", "letterhead": "Brevhuvud", "user": "Konto",
    "api_token": "API-nyckel", "risk_assessment": "Riskbedömning", "annual_follow_up": "Årlig uppföljning",
    "sam_action": "Åtgärd i handlingsplan", "safety_rep_request": "Skyddsombudets begäran",
    "document": "Dokument", "department": "Förvaltning", "union": "Fackförbund", "person": "Person",
    "group": "Samverkansgrupp",
}
