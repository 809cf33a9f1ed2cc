# The amounts moved to the currencies' ladders (0021_money_currencies_ladders).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('support', '0021_money_currencies_ladders'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='supportsettings',
            name='annual_preset_amounts',
        ),
        migrations.RemoveField(
            model_name='supportsettings',
            name='once_preset_amounts',
        ),
        migrations.RemoveField(
            model_name='supportsettings',
            name='preset_amounts',
        ),
        migrations.RemoveField(
            model_name='supportsettings',
            name='preset_impact',
        ),
    ]
