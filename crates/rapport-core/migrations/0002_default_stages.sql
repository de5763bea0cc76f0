-- Default pipeline stages. Fixed ids so every device of a team starts with the same ones.
INSERT INTO pipeline_stages (id, name, position, probability) VALUES
    ('0190b3c0-0000-7000-8000-000000000001', 'Lead', 1, 10),
    ('0190b3c0-0000-7000-8000-000000000002', 'Qualified', 2, 25),
    ('0190b3c0-0000-7000-8000-000000000003', 'Proposal', 3, 50),
    ('0190b3c0-0000-7000-8000-000000000004', 'Negotiation', 4, 75);
